namespace Kimi.Client.Ecosystem.Tests.Mcp;

/// <summary>How the test reaches its MCP server.</summary>
public enum McpTransport
{
    /// <summary>Streamable HTTP to a server hosted in this process on loopback Kestrel.</summary>
    Http,

    /// <summary>stdio to the TestMcpServer project's build, started as a child process.</summary>
    Stdio,
}
