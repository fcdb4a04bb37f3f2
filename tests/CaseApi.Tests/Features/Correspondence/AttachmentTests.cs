using System.Net.Http.Headers;
using System.Security.Cryptography;
using Dapper;

namespace CaseApi.Tests.Features.Correspondence;

public sealed class AttachmentTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    private static readonly byte[] Pdf = "%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"u8.ToArray();

    [Fact]
    public async Task An_attachment_comes_back_byte_for_byte_with_its_hash()
    {
        var world = await Letters.WorldAsync(api);
        var letter = await world.DraftAsync();

        var response = await world.Client.PostAsync($"/v1/letters/{letter.Id}/attachments", Upload(Pdf, "abmahnung.pdf", "application/pdf"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var attachment = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("application/pdf", attachment.GetProperty("contentType").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Pdf)), attachment.GetProperty("sha256").GetString());
        var download = await world.Client.GetAsync(response.Headers.Location);
        Assert.Equal(Pdf, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/pdf", download.Content.Headers.ContentType?.MediaType);
        Assert.Contains("abmahnung.pdf", download.Content.Headers.ContentDisposition?.ToString(), StringComparison.Ordinal);
        var withAttachment = await world.Client.GetFromJsonAsync<JsonElement>($"/v1/letters/{letter.Id}");
        Assert.Single(withAttachment.GetProperty("attachments").EnumerateArray());
    }

    [Fact]
    public async Task A_26_MB_upload_gets_413_and_stores_nothing()
    {
        var world = await Letters.WorldAsync(api);
        var letter = await world.DraftAsync();
        var big = new byte[26 * 1024 * 1024];
        Pdf.CopyTo(big, 0);

        var response = await world.Client.PostAsync($"/v1/letters/{letter.Id}/attachments", Upload(big, "huge.pdf", "application/pdf"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        Assert.Equal(0, await CountAsync(letter.Id));
    }

    [Theory]
    [InlineData("setup.pdf", "application/pdf")]
    [InlineData("setup.exe", "application/octet-stream")]
    [InlineData("invoice.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")]
    public async Task An_executable_is_refused_whatever_it_is_called(string fileName, string contentType)
    {
        var world = await Letters.WorldAsync(api);
        var letter = await world.DraftAsync();
        byte[] executable = [(byte)'M', (byte)'Z', 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00];

        var response = await world.Client.PostAsync($"/v1/letters/{letter.Id}/attachments", Upload(executable, fileName, contentType));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_attachment_type");
        Assert.Equal(0, await CountAsync(letter.Id));
    }

    [Theory]
    [InlineData("scan.png", "image/png")]
    [InlineData("notes.txt", "text/plain")]
    public async Task Images_and_text_are_accepted_by_their_content(string fileName, string expected)
    {
        var world = await Letters.WorldAsync(api);
        var letter = await world.DraftAsync();
        byte[] content = expected == "image/png" ? [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] : "Telefonnotiz: Rückruf am 12. Mai."u8.ToArray();

        var response = await world.Client.PostAsync($"/v1/letters/{letter.Id}/attachments", Upload(content, fileName, "application/octet-stream"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(expected, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("contentType").GetString());
    }

    [Fact]
    public async Task A_pdf_named_as_text_is_refused()
    {
        var world = await Letters.WorldAsync(api);
        var letter = await world.DraftAsync();

        var response = await world.Client.PostAsync($"/v1/letters/{letter.Id}/attachments", Upload(Pdf, "notes.exe", "application/pdf"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_attachment_type");
    }

    private static MultipartFormDataContent Upload(byte[] content, string fileName, string contentType)
    {
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return new MultipartFormDataContent { { file, "file", fileName } };
    }

    private async Task<long> CountAsync(Guid letterId)
    {
        await using var superUser = await api.OpenAsSuperUserAsync();
        return await superUser.QuerySingleAsync<long>("SELECT count(*) FROM letter_attachments WHERE letter_id = @letterId", new { letterId });
    }
}
