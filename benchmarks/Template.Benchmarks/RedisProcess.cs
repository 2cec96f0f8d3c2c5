using System.Diagnostics;
using System.Globalization;
using StackExchange.Redis;

namespace Template.Benchmarks;

/// <summary>A <c>redis-server</c> of the benchmark's own on a free loopback port, without persistence, stopped on dispose.</summary>
public sealed class RedisProcess : IAsyncDisposable
{
    private readonly Process process;

    private RedisProcess(Process process, int port)
    {
        this.process = process;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<RedisProcess> StartAsync()
    {
        var port = Measurements.FreePort();
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("REDIS_SERVER") ?? "redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start; install it with apt-get install redis-server.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var redis = new RedisProcess(process, port);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
                await connection.GetDatabase().PingAsync();
                return redis;
            }
            catch (RedisConnectionException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(50);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }
}
