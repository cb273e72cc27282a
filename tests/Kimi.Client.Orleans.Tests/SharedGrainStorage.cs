using System.Collections.Concurrent;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace Kimi.Client.Orleans.Tests;

/// <summary>
/// Grain storage outside every silo (as Redis or a database would be): one dictionary for the whole test cluster, with ETags,
/// holding serialized copies. A silo the test has killed can no longer write — a dead process writes nothing.
/// </summary>
internal sealed class SharedGrainStorage(ClusterWorld world, string siloName, Serializer serializer) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        world.ThrowIfDead(siloName);
        if (world.Storage.TryGetValue(Key(stateName, grainId), out var stored))
        {
            grainState.State = serializer.Deserialize<T>(stored.Data);
            grainState.ETag = stored.ETag;
            grainState.RecordExists = true;
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        world.ThrowIfDead(siloName);
        var key = Key(stateName, grainId);
        var data = serializer.SerializeToArray(grainState.State);
        lock (world.Storage)
        {
            world.Storage.TryGetValue(key, out var stored);
            if (stored?.ETag != grainState.ETag)
            {
                throw new InconsistentStateException($"ETag mismatch for {key}", stored?.ETag, grainState.ETag);
            }

            var etag = Guid.NewGuid().ToString("N");
            world.Storage[key] = new StoredState(data, etag);
            grainState.ETag = etag;
            grainState.RecordExists = true;
        }

        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        world.ThrowIfDead(siloName);
        world.Storage.TryRemove(Key(stateName, grainId), out _);
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }

    private static string Key(string stateName, GrainId grainId) => $"{stateName}|{grainId}";
}
