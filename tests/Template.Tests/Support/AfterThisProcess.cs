using System.Diagnostics;

namespace Template.Tests.Support;

/// <summary>
/// Cleans up after the test process without running at its exit: a shell started now waits until this process is
/// gone, then runs the command. Exit handlers would delay the test host's exit, and a host that is slow to exit is
/// killed before coverage is written; a killed host would not run them at all.
/// </summary>
public static class AfterThisProcess
{
    public static void Run(string command)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        // Detached from the test host's output, so that nothing waits for the shell.
        start.ArgumentList.Add(
            $"exec >/dev/null 2>&1 </dev/null; while kill -0 {Environment.ProcessId}; do sleep 1; done; {command}");
        using var shell = Process.Start(start);
    }
}
