using System.Xml.Linq;
using Dapper;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;

namespace CaseApi.Infrastructure.Secrets;

/// <summary>
/// Data Protection's key ring in the <c>data_protection_keys</c> table: the keys travel with the database they protect
/// data in, and a second process (or a new container) decrypts what the first encrypted. Data Protection calls this
/// synchronously, rarely (at first use, then about once a day when it refreshes the ring).
/// </summary>
public sealed class PostgresXmlRepository(IServiceProvider services) : IXmlRepository
{
    // Resolved when first used: Data Protection builds its key manager, and this, before the database is migrated.
    private NpgsqlDataSource DataSource => services.GetRequiredService<NpgsqlDataSource>();

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var connection = DataSource.OpenConnection();
        return connection.Query<string>("SELECT xml FROM data_protection_keys ORDER BY id").Select(XElement.Parse).ToArray();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var connection = DataSource.OpenConnection();
        connection.Execute(
            "INSERT INTO data_protection_keys (name, xml) VALUES (@name, @xml)",
            new { name = friendlyName, xml = element.ToString(SaveOptions.DisableFormatting) });
    }
}

public static class SecretsSetup
{
    public static IServiceCollection AddSecrets(this IServiceCollection services)
    {
        services.AddSingleton<PostgresXmlRepository>();
        services.AddSingleton<SecretProtector>();
        services.AddDataProtection().SetApplicationName("CaseApi");
        services.AddOptions<KeyManagementOptions>()
            .Configure<PostgresXmlRepository>((options, repository) => options.XmlRepository = repository);
        return services;
    }
}
