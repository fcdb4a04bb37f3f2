using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CaseApi.Tests.Features.Webhooks;

/// <summary>A real HTTP receiver on 127.0.0.1 and a free port: records every request and answers as the test scripts it.</summary>
public sealed class LoopbackReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<Answer> script = new();

    public sealed record Received(string Path, IHeaderDictionary Headers, string Body)
    {
        public string WebhookId => Headers["webhook-id"].ToString();

        public JsonElement Json => JsonDocument.Parse(Body).RootElement;
    }

    /// <summary>What to answer; <c>RetryAfter</c> is sent as the header's value; nothing is answered before <c>Until</c> completes.</summary>
    public sealed record Answer(int Status, string? RetryAfter = null, Task? Until = null);

    private LoopbackReceiver(WebApplication app) => this.app = app;

    public ConcurrentQueue<Received> Requests { get; } = new();

    /// <summary>Answered once the script is used up.</summary>
    public Answer Otherwise { get; set; } = new(200);

    public string Url(string path) => app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single() + path;

    public IReadOnlyList<Received> At(string path) => Requests.Where(r => r.Path == path).ToArray();

    public void Script(params Answer[] answers)
    {
        foreach (var answer in answers)
        {
            script.Enqueue(answer);
        }
    }

    public static async Task<LoopbackReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new LoopbackReceiver(app);
        app.MapPost("/{**path}", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync();
            receiver.Requests.Enqueue(new Received(http.Request.Path, new HeaderDictionary(http.Request.Headers.ToDictionary()), body));
            var answer = receiver.script.TryDequeue(out var next) ? next : receiver.Otherwise;
            if (answer.Until is not null)
            {
                await answer.Until;
            }

            if (answer.RetryAfter is not null)
            {
                http.Response.Headers.RetryAfter = answer.RetryAfter;
            }

            http.Response.StatusCode = answer.Status;
        });
        await app.StartAsync();
        return receiver;
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
