using System.Globalization;
using Template.Benchmarks;

// dotnet run -c Release --project benchmarks/Template.Benchmarks            every measurement, then docs/benchmarks.md
// ... -- pipeline | cache | jobs | database | outbox                         one in-process part only, printed
// ... -- http                                  the echo targets, start-up, idle CPU and working set only, printed
// ... -- compare <label>=<dll> <label>=<dll> ...  the same for several builds of this project in one run, printed
// ... -- serve <service|bare> <port> <readyFile> <cert> | start <service|bare> <port> <cert>   used by the harness
switch (args.FirstOrDefault() ?? "all")
{
    case "serve":
        await Hosts.ServeAsync(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), args[3], args[4]);
        break;
    case "start":
        await Hosts.StartAloneAsync(args[1], args[2], args[3]);
        break;
    case "pipeline":
        Console.WriteLine(Report.Pipeline(Measurements.RunPipeline()));
        break;
    case "cache":
        Console.WriteLine(Report.Cache(Measurements.RunCache(), http: null));
        break;
    case "http":
        Console.WriteLine(Report.Http(
            await HttpMeasurements.RunAsync([("", typeof(Hosts).Assembly.Location)], withOrders: false)));
        break;
    case "compare":
        var builds = args.Skip(1).Select(a => a.Split('=', 2)).Select(p => (p[0], Path.GetFullPath(p[1]))).ToList();
        Console.WriteLine(Report.Http(await HttpMeasurements.RunAsync(builds, withOrders: false)));
        break;
    case "database":
        Console.WriteLine(Report.Database(Measurements.RunDatabase(), await Measurements.RunOutboxAsync()));
        break;
    case "outbox":
        Console.WriteLine(Report.Database([], await Measurements.RunOutboxAsync()));
        break;
    case "jobs":
        Console.WriteLine(Report.Jobs(await Measurements.RunJobsAsync()));
        break;
    default:
        await Measurements.RunAllAsync(args.Length > 1 ? args[1] : Path.Combine("docs", "benchmarks.md"));
        break;
}
