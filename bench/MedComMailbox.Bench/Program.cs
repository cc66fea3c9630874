using MedComMailbox.Bench;

const string Usage = """
    MedComMailbox bench (see bench/README.md)

      run      [--n 2000] [--c 32] [--configs embedded,rabbitmq,worker1,worker2] [--pdf 0.1] [--oioxml 0.1] [--warmup 200] [--rate R] [--seed N] [--out bench/results]
               benchmark the built mailbox (separate processes) against the same-run baselines; table + JSON/CSV/PNG
               (--configs also takes intake-only; --rate paces the intake at R msg/s to measure latency without a backlog)
      parse    [--n 200] [--seconds 5] [--seed N]
               in-process only: Firely's raw parse against ours, with MedCom profile validation off (our rules) and on
      profiles-core [--packages <folder>]
               writes the R4 core subset the profile validator carries (Fhir/Profiles/Packages) from specification.zip
      faults   kill [--kills 100] [--n 1000] [--transport rabbitmq|inmemory]   kill -9 the web process under load, check exactly once
      faults   broker [--outage 60] [--n 600]                                  stop RabbitMQ under load
      faults   post [--outage 600] [--errors 120] [--failed 10] [--n 40]       Digital Post fake down, then 500s, then Fejlet statuses
      faults   hostile [--count 10000] [--c 8] [--seed N]                      malformed and hostile inputs: no 5xx, clear errors, bounded memory
      faults   locked [--hold 40]                                              database locked: 503, then accepted
      faults   disk-full                                                       data directory on a full tmpfs (root): 503, then accepted
      faults   all                                                             every fault above with its defaults

    Build first in Release (the bench starts the built web and worker): dotnet build bench/MedComMailbox.Bench -c Release
    """;

var options = new Options(args);
if (options.Words.Count == 0 || options.Flag("help"))
{
    Console.WriteLine(Usage);
    return options.Words.Count == 0 ? 2 : 0;
}

try
{
    return options.Words[0] switch
    {
        "run" => await BenchRun.RunAsync(options),
        "faults" => await FaultRuns.RunAsync(options),
        "parse" => ParseRun.Run(options),
        "profiles-core" => ProfilesCoreRun.Run(options),
        _ => Fail("Unknown command " + options.Words[0]),
    };
}
catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException)
{
    Console.Error.WriteLine("bench: " + e.Message);
    return 2;
}

int Fail(string message)
{
    Console.Error.WriteLine(message);
    Console.Error.WriteLine(Usage);
    return 2;
}
