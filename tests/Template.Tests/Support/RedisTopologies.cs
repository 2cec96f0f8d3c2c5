using System.Globalization;

namespace Template.Tests.Support;

/// <summary>
/// A Redis Cluster of three primaries, each with one replica, built from <c>redis-server</c> processes on free
/// loopback ports and joined with <c>redis-cli --cluster create</c>, as an operator builds one.
/// </summary>
public sealed class RedisCluster : IAsyncDisposable
{
    /// <summary>How long a node may be silent before the others call it failed; short, so failovers in the tests
    /// start within seconds, and long enough that a busy machine does not cause one.</summary>
    public const int NodeTimeoutMilliseconds = 2000;

    private RedisCluster(IReadOnlyList<RedisServer> nodes) => Nodes = nodes;

    public IReadOnlyList<RedisServer> Nodes { get; }

    /// <summary>Every node, as a StackExchange.Redis connection string; the client discovers the slot map.</summary>
    public string ConnectionString => string.Join(',', Nodes.Select(n => $"127.0.0.1:{n.Port}"));

    public static async Task<RedisCluster> StartAsync()
    {
        var nodes = new List<RedisServer>();
        try
        {
            for (var i = 0; i < 6; i++)
            {
                nodes.Add(await RedisServer.StartOwnAsync(
                [
                    "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                    "--cluster-node-timeout", NodeTimeoutMilliseconds.ToString(CultureInfo.InvariantCulture),
                    // A replica takes over however long it was cut off: the tests fail over on purpose.
                    "--cluster-replica-validity-factor", "0",
                ]));
            }

            var arguments = new List<string> { "--cluster", "create" };
            arguments.AddRange(nodes.Select(n => $"127.0.0.1:{n.Port}"));
            arguments.AddRange(["--cluster-replicas", "1", "--cluster-yes"]);
            var (exitCode, output) = await ToolProcess.RunAsync(
                RedisServer.Cli, arguments, TimeSpan.FromSeconds(60));
            Assert.True(exitCode == 0, $"redis-cli --cluster create failed: {output}");

            var cluster = new RedisCluster(nodes);
            await cluster.WaitUntilHealthyAsync();
            return cluster;
        }
        catch
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>Waits until every running node sees every slot served and every replica has synchronised.</summary>
    public async Task WaitUntilHealthyAsync()
    {
        string last = "";
        await Eventually.HoldsAsync(
            async () =>
            {
                foreach (var node in Nodes.Where(n => n.IsRunning))
                {
                    last = await RedisAdmin.RunAsync(node.Port, "CLUSTER", "INFO");
                    if (!last.Contains("cluster_state:ok", StringComparison.Ordinal)
                        || !last.Contains("cluster_slots_ok:16384", StringComparison.Ordinal))
                    {
                        return false;
                    }

                    last = await RedisAdmin.RunAsync(node.Port, "INFO", "replication");
                    if (last.Contains("role:slave", StringComparison.Ordinal)
                        && !last.Contains("master_link_status:up", StringComparison.Ordinal))
                    {
                        return false;
                    }
                }

                return true;
            },
            () => $"The cluster did not become healthy: {last}",
            pause: TimeSpan.FromMilliseconds(200));
    }

    /// <summary>The running primary that serves <paramref name="key"/>'s slot, and its replica.</summary>
    public async Task<(RedisServer Primary, RedisServer Replica)> NodesServingAsync(string key)
    {
        var slot = int.Parse(
            await RedisAdmin.RunAsync(Nodes.First(n => n.IsRunning).Port, "CLUSTER", "KEYSLOT", key),
            CultureInfo.InvariantCulture);
        RedisServer? primary = null;
        RedisServer? replica = null;
        foreach (var node in Nodes.Where(n => n.IsRunning))
        {
            var replication = await RedisAdmin.RunAsync(node.Port, "INFO", "replication");
            if (replication.Contains("role:master", StringComparison.Ordinal)
                && await ServesSlotAsync(node.Port, slot))
            {
                primary = node;
            }
        }

        Assert.NotNull(primary);
        foreach (var node in Nodes.Where(n => n.IsRunning && n != primary))
        {
            var replication = await RedisAdmin.RunAsync(node.Port, "INFO", "replication");
            if (replication.Contains($"master_port:{primary!.Port}", StringComparison.Ordinal))
            {
                replica = node;
            }
        }

        Assert.NotNull(replica);
        return (primary!, replica!);
    }

    private static async Task<bool> ServesSlotAsync(int port, int slot)
    {
        var myself = (await RedisAdmin.RunAsync(port, "CLUSTER", "NODES"))
            .Split('\n').First(line => line.Contains("myself", StringComparison.Ordinal));
        foreach (var range in myself.Split(' ').Skip(8))
        {
            var bounds = range.Split('-');
            if (!int.TryParse(bounds[0], CultureInfo.InvariantCulture, out var from))
            {
                continue;
            }

            var to = bounds.Length > 1 ? int.Parse(bounds[1], CultureInfo.InvariantCulture) : from;
            if (slot >= from && slot <= to)
            {
                return true;
            }
        }

        return false;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            await node.DisposeAsync();
        }
    }
}

/// <summary>
/// A primary with two replicas watched by three Sentinels, all <c>redis-server</c> processes on free loopback
/// ports. Every data node refuses writes unless a replica acknowledged within two seconds
/// (<c>min-replicas-to-write 1</c>, <c>min-replicas-max-lag 2</c>), the settings the operations guide gives.
/// </summary>
public sealed class RedisSentinelGroup : IAsyncDisposable
{
    public const string ServiceName = "svc";

    /// <summary>How long a primary may be silent before a Sentinel calls it down.</summary>
    public const int DownAfterMilliseconds = 2000;

    private static readonly string[] WriteSafety = ["--min-replicas-to-write", "1", "--min-replicas-max-lag", "2"];

    private RedisSentinelGroup(IReadOnlyList<RedisServer> dataNodes, IReadOnlyList<RedisServer> sentinels)
    {
        DataNodes = dataNodes;
        Sentinels = sentinels;
    }

    /// <summary>The primary it started with, then its two replicas.</summary>
    public IReadOnlyList<RedisServer> DataNodes { get; }

    public IReadOnlyList<RedisServer> Sentinels { get; }

    /// <summary>The Sentinels and the service name, as a StackExchange.Redis connection string.</summary>
    public string ConnectionString =>
        string.Join(',', Sentinels.Select(s => $"127.0.0.1:{s.Port}")) + $",serviceName={ServiceName}";

    public static async Task<RedisSentinelGroup> StartAsync()
    {
        var started = new List<RedisServer>();
        try
        {
            var primary = await RedisServer.StartOwnAsync(WriteSafety);
            started.Add(primary);
            for (var i = 0; i < 2; i++)
            {
                started.Add(await RedisServer.StartReplicaAsync(primary, WriteSafety));
            }

            var sentinels = new List<RedisServer>();
            for (var i = 0; i < 3; i++)
            {
                var sentinel = await RedisServer.StartSentinelAsync(
                    $"sentinel monitor {ServiceName} 127.0.0.1 {primary.Port} 2\n" +
                    $"sentinel down-after-milliseconds {ServiceName} {DownAfterMilliseconds}\n" +
                    $"sentinel failover-timeout {ServiceName} 10000\n" +
                    $"sentinel parallel-syncs {ServiceName} 2");
                started.Add(sentinel);
                sentinels.Add(sentinel);
            }

            var group = new RedisSentinelGroup(started.Take(3).ToList(), sentinels);
            await group.WaitUntilSettledAsync(primary);
            return group;
        }
        catch
        {
            foreach (var node in started)
            {
                await node.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>Waits until every Sentinel names <paramref name="primary"/>, knows the other Sentinels, and sees
    /// the running replicas synchronised with it.</summary>
    public async Task WaitUntilSettledAsync(RedisServer primary)
    {
        var replicas = DataNodes.Count(n => n != primary && n.IsRunning);
        var last = "";
        await Eventually.HoldsAsync(
            async () =>
            {
                foreach (var sentinel in Sentinels)
                {
                    last = await RedisAdmin.RunAsync(sentinel.Port, "SENTINEL", "MASTER", ServiceName);
                    var fields = RedisAdmin.Pairs(last);
                    if (fields.GetValueOrDefault("port") != primary.Port.ToString(CultureInfo.InvariantCulture)
                        || fields.GetValueOrDefault("num-other-sentinels") != "2"
                        || fields.GetValueOrDefault("flags") != "master")
                    {
                        return false;
                    }
                }

                last = await RedisAdmin.RunAsync(primary.Port, "INFO", "replication");
                return last.Contains($"connected_slaves:{replicas}", StringComparison.Ordinal)
                    && !last.Contains("state=wait_bgsave", StringComparison.Ordinal);
            },
            () => $"The Sentinel group did not settle on port {primary.Port}: {last}",
            pause: TimeSpan.FromMilliseconds(200));
    }

    /// <summary>The data node the Sentinels name as primary.</summary>
    public async Task<RedisServer> PrimaryAsync()
    {
        var address = await RedisAdmin.RunAsync(
            Sentinels.First(s => s.IsRunning).Port, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", ServiceName);
        return DataNodes.Single(n => address.EndsWith(
            "\n" + n.Port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Sentinels.Concat(DataNodes))
        {
            await node.DisposeAsync();
        }
    }
}

/// <summary>Administrative commands sent with <c>redis-cli</c>, the operator's tool.</summary>
public static class RedisAdmin
{
    /// <summary>Runs one command against the node on <paramref name="port"/> and returns its raw answer.</summary>
    public static async Task<string> RunAsync(int port, params string[] command)
    {
        var (exitCode, output) = await ToolProcess.RunAsync(
            RedisServer.Cli,
            ["-h", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), .. command],
            TimeSpan.FromSeconds(30));
        return exitCode == 0 ? output.Trim() : throw new InvalidOperationException(
            $"redis-cli {string.Join(' ', command)} on port {port} failed: {output}");
    }

    /// <summary>A flat list of alternating names and values (as Sentinel answers), as a dictionary.</summary>
    public static Dictionary<string, string> Pairs(string answer)
    {
        var lines = answer.Split('\n', StringSplitOptions.TrimEntries);
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < lines.Length; i += 2)
        {
            pairs[lines[i]] = lines[i + 1];
        }

        return pairs;
    }
}
