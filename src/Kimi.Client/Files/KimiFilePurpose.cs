namespace Kimi.Client;

/// <summary>What an uploaded file is for (Moonshot's <c>purpose</c> field).</summary>
public enum KimiFilePurpose
{
    /// <summary>An image, referenced as <c>ms://&lt;id&gt;</c> in an <c>image_url</c> part.</summary>
    Image = 0,

    /// <summary>A video, referenced as <c>ms://&lt;id&gt;</c> in a <c>video_url</c> part.</summary>
    Video = 1,
}
