using Template.Benchmarks;

// dotnet run -c Release --project benchmarks/Template.Benchmarks            every measurement, then docs/benchmarks.md
// ... -- pipeline | cache | jobs | database | outbox                         one in-process part only, printed
// ... -- http                                                              the HTTP throughput item only, printed
// ... -- serve <servicePort> <barePort> <tokenFile> | start <service|bare> <port>   used by the harness itself
switch (args.FirstOrDefault() ?? "all")
{
    case "serve":
        await Hosts.ServeAsync(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture), int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture), args[3]);
        break;
    case "start":
        await Hosts.StartAloneAsync(args[1], args[2]);
        break;
    case "pipeline":
        Console.WriteLine(Report.Pipeline(Measurements.RunPipeline()));
        break;
    case "cache":
        Console.WriteLine(Report.Cache(Measurements.RunCache(), http: null));
        break;
    case "http":
        Console.WriteLine(Report.Http((await Measurements.RunHttpAsync()).Http));
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
