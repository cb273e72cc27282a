namespace Kimi.Client.Orleans.Tests;

/// <summary>One silo's way to the emulator: refuses to send once the silo is killed, and notes which silo sent what.</summary>
internal sealed class SiloHttpHandler(ClusterWorld world, string silo) : DelegatingHandler(new SocketsHttpHandler())
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        world.ThrowIfDead(silo);
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        var orchestrator = body.Contains("\"delegate_tasks\"", StringComparison.Ordinal);
        if (orchestrator)
        {
            world.OrchestratorSilos.Enqueue(silo);
        }

        world.Calls.AddOrUpdate(silo, 1, (_, n) => n + 1);
        var response = await base.SendAsync(request, cancellationToken);
        try
        {
            await world.PassAnswerAsync(orchestrator, cancellationToken);
        }
        catch
        {
            response.Dispose();
            throw;
        }

        return response;
    }
}
