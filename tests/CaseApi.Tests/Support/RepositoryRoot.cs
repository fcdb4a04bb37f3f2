namespace CaseApi.Tests.Support;

public static class RepositoryRoot
{
    /// <summary>The folder holding CaseApi.sln, found upwards from the test binaries.</summary>
    public static string Path { get; } = Find();

    public static string File(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (System.IO.File.Exists(System.IO.Path.Combine(directory.FullName, "CaseApi.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No CaseApi.sln above {AppContext.BaseDirectory}.");
    }
}
