using Hangfire;
using Hangfire.Common;
using Hangfire.InMemory;
using Hangfire.Redis.StackExchange;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Template.Infrastructure.Health;
using Template.Infrastructure.Redis;
using Template.Infrastructure.Validation;

namespace Template.Infrastructure.Jobs;

/// <summary>
/// Hangfire wired per host rather than through its static globals: storage, filters and activator are
/// services of this host, so two hosts in one process (as in the tests) never share a queue by accident.
/// </summary>
public static class JobsSetup
{
    public const string DashboardPath = "/jobs";

    /// <summary>The gate that opens the dashboard; admins pass it.</summary>
    public const string DashboardGate = "jobs.dashboard";

    private static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(5);

    /// <summary>How this instance's job servers are named, so its health check can find them among all
    /// instances'.</summary>
    internal static readonly string ThisInstanceServerPrefix = $"{Environment.MachineName}:{Environment.ProcessId}:";

    public static IServiceCollection AddJobs(
        this IServiceCollection services, IConfiguration configuration, ServiceBackends backends)
    {
        services.AddSettings<JobsOptions, JobsAnnotationsValidator>(JobsOptions.Section);
        services.AddSettings<JobRetryOptions, JobRetryValidator>(JobRetryOptions.Section);
        services.AddSingleton<IValidateOptions<JobsOptions>, JobsOptionsValidator>();

        // Registered before AddHangfire, whose TryAdd calls would otherwise fall back to static globals.
        services.AddSingleton<JobStorage>(provider =>
        {
            JobStorage storage = backends.UsesRedis
                ? CreateRedisStorage(provider)
                : new InMemoryStorage(new InMemoryStorageOptions());
            storage.JobExpirationTimeout =
                provider.GetRequiredService<IOptions<JobsOptions>>().Value.FinishedJobRetention;
            return storage;
        });
        services.AddSingleton<JobActivator>(provider => new Hangfire.AspNetCore.AspNetCoreJobActivator(
            provider.GetRequiredService<IServiceScopeFactory>()));
        services.AddSingleton<IJobFilterProvider>(provider => CreateFilters(
            provider.GetRequiredService<IOptions<JobRetryOptions>>().Value));
        services.AddHangfire((provider, hangfire) =>
        {
            HangfireLogging.Instance.Follow(provider.GetRequiredService<ILoggerFactory>());
            ConfigureSerialization(hangfire.UseLogProvider(HangfireLogging.Instance));
        });

        services.AddSingleton<IJobDispatcher, HangfireJobDispatcher>();
        services.AddHostedService<RecurringJobRegistrar>();
        services.AddOptions<HostOptions>().Configure<IOptions<JobsOptions>>((host, jobs) =>
            host.ShutdownTimeout = jobs.Value.ShutdownTimeout + ShutdownGrace + ShutdownGrace);

        var jobs = configuration.ReadSettings<JobsOptions, JobsAnnotationsValidator>(JobsOptions.Section);
        if (jobs.RunsWorkers)
        {
            AddWorkers(services, jobs.EffectiveQueues);
            services.AddHealthChecks().AddCheck<JobServerHealthCheck>("jobs", tags: [HealthEndpoints.ReadyTag]);
        }

        return services;
    }

    /// <summary>How jobs are written to storage; every process that queues or runs the service's jobs must
    /// agree.</summary>
    internal static IGlobalConfiguration ConfigureSerialization(IGlobalConfiguration hangfire) => hangfire
        .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
        .UseSimpleAssemblyNameTypeSerializer()
        .UseRecommendedSerializerSettings(json => json.ContractResolver = new CommandContractResolver());

    /// <summary>The Hangfire dashboard at <see cref="DashboardPath"/>, behind the <c>jobs.dashboard</c> gate, in every
    /// environment.</summary>
    public static IEndpointRouteBuilder MapJobsDashboard(this IEndpointRouteBuilder app)
    {
        app.MapHangfireDashboardWithAuthorizationPolicy(
                DashboardGate,
                DashboardPath,
                new DashboardOptions
                {
                    DashboardTitle = "Jobs",
                    DisplayStorageConnectionString = false,
                    AppPath = null,
                })
            .ExcludeFromDescription();
        return app;
    }

    // One server per queue: it serves that queue first, then the queues below it. The first one also moves due
    // scheduled and recurring jobs and runs the storage's upkeep (Redis: re-queueing jobs of dead workers, expiring
    // keys); the others only run workers, as that work needs one server per instance and each one polls at rest.
    private static void AddWorkers(IServiceCollection services, IReadOnlyList<JobQueueOptions> queues)
    {
        for (var i = 0; i < queues.Count; i++)
        {
            var served = queues.Skip(i).Select(q => q.Name).ToArray();
            var workers = queues[i].Workers;
            var onlyWorkers = i > 0;
            services.AddHangfireServer((provider, server) =>
            {
                var options = provider.GetRequiredService<IOptions<JobsOptions>>().Value;
                server.ServerName = ThisInstanceServerPrefix + served[0];
                server.Queues = served;
                server.WorkerCount = workers;
                server.IsLightweightServer = onlyWorkers;
                server.HeartbeatInterval = options.HeartbeatInterval;
                server.ServerTimeout = options.ServerTimeout;
                server.ServerCheckInterval = options.ServerCheckInterval;
                server.SchedulePollingInterval = options.SchedulePollingInterval;
                // Running jobs get ShutdownTimeout to finish, then their cancellation token fires and Hangfire
                // puts them back in their queue; the grace after it lets them unwind before workers are abandoned.
                server.StopTimeout = options.ShutdownTimeout;
                server.ShutdownTimeout = options.ShutdownTimeout + ShutdownGrace;
            });
        }
    }

    private static RedisStorage CreateRedisStorage(IServiceProvider provider)
    {
        var jobs = provider.GetRequiredService<IOptions<JobsOptions>>().Value;
        return new RedisStorage(provider.GetRequiredService<IConnectionMultiplexer>(), new RedisStorageOptions
        {
            Prefix = jobs.RedisPrefix,
            InvisibilityTimeout = jobs.InvisibilityTimeout,
            FetchTimeout = jobs.FetchPollInterval,
        });
    }

    /// <summary>Hangfire's default filters, with retries following <see cref="JobRetryOptions"/>.</summary>
    internal static JobFilterProviderCollection CreateFilters(JobRetryOptions retry)
    {
        var filters = new JobFilterCollection
        {
            new CaptureCultureAttribute(),
            new AutomaticRetryAttribute
            {
                Attempts = retry.Attempts,
                DelayInSecondsByAttemptFunc = attempt => (int)retry.DelayBefore(attempt).TotalSeconds,
                OnAttemptsExceeded = AttemptsExceededAction.Fail,
                // Invalid input stays invalid: retrying it only delays the Failed state.
                ExceptOn = [typeof(RequestValidationException)],
            },
            new StatisticsHistoryAttribute(),
            new ContinuationsSupportAttribute(),
        };
        return new JobFilterProviderCollection(filters, new JobFilterAttributeFilterProvider());
    }
}
