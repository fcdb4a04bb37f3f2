using System.Diagnostics;
using System.Text;
using CaseApi.Features.Correspondence;
using UglyToad.PdfPig;
using UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor;
using UglyToad.PdfPig.Tokens;

namespace CaseApi.Tests.Features.Correspondence;

/// <summary>GET /v1/letters/{id}/document: a letter as PDF, read back with a PDF reader (PdfPig) as a recipient's software would.</summary>
public sealed class LetterDocumentTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    [Fact]
    public async Task The_demo_cease_and_desist_letter_has_its_text_extractable_and_its_fonts_embedded()
    {
        using var client = api.ClientFor((await api.SeedDemoAsync()).AdminKey);
        var letters = await client.GetFromJsonAsync<JsonElement>("/v1/letters?limit=200");
        var letter = letters.GetProperty("items").EnumerateArray().Single(l => l.GetProperty("type").GetString() == "cease_and_desist");

        var response = await client.GetAsync($"/v1/letters/{letter.Id()}/document?language=en");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("DEMO-2025-001-2025-04-30.pdf", response.Content.Headers.ContentDisposition?.FileName);
        var pdf = await response.Content.ReadAsByteArrayAsync();
        var text = Text(pdf);
        AssertContainsAll(text,
            "Demo consumer organisation", "Helmholtzstraße 19", "40215 Düsseldorf",
            "Meta Platforms Ireland Limited", "Merrion Road", "Dublin 4", "D04 X2K5", "Ireland",
            "Düsseldorf, 30 April 2025", "Our reference", "DEMO-2025-001", "Cease and desist: training AI on EU users' posts",
            "We call on you to refrain from using the personal data of users in the EU to train AI models without their consent",
            "and to sign the enclosed undertaking with a penalty clause.", "Page 1 of 1");

        Assert.DoesNotContain("DRAFT", text, StringComparison.Ordinal);
        AssertFontsEmbeddedAndNoScript(pdf);
    }

    [Fact]
    public async Task A_draft_is_dated_today_in_German_marked_as_draft_and_split_into_paragraphs_and_lists()
    {
        var world = await Letters.WorldAsync(api);
        var draft = await world.Client.CreatedAsync($"/v1/cases/{world.CaseId}/letters", new
        {
            direction = "outgoing", type = "cease_and_desist", defendantId = world.DefendantId, channel = "registered_post",
            subject = "Abmahnung wegen unzulässiger Datenverarbeitung",
            body = "Sehr geehrte Damen und Herren,\n\nwir beanstanden:\n- das Training ohne Einwilligung,\n- die fehlende Widerspruchsmöglichkeit\n  vor dem Stichtag.\n\n1. Unterlassen Sie dies.\n2. Geben Sie die Erklärung ab.\n\nMit freundlichen Grüßen",
        });

        var response = await world.Client.GetAsync($"/v1/letters/{draft.Id()}/document");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var fileName = response.Content.Headers.ContentDisposition?.FileName;
        Assert.EndsWith("-2025-12-31-draft.pdf", fileName, StringComparison.Ordinal);
        var text = Text(await response.Content.ReadAsByteArrayAsync());
        // Letters.Now is 31 December 2025, 12:00 UTC; the organisation is in DE-NW, so German.
        AssertContainsAll(text, "31. Dezember 2025", "ENTWURF", "Unser Zeichen", "Seite 1 von 1", "• das Training ohne Einwilligung,",
            "die fehlende Widerspruchsmöglichkeit vor dem Stichtag.", "1. Unterlassen Sie dies.", "Letters org");
    }

    [Fact]
    public async Task The_letterhead_is_the_organisation_s_postal_address_and_a_letter_to_an_authority_goes_to_the_registry_s_address()
    {
        var world = await Letters.WorldAsync(api);
        var blank = await world.Client.SendWithIfMatchAsync(HttpMethod.Patch, "/v1/organisation", new { postalAddress = "  " }, 1);
        await ProblemAssert.IsProblemAsync(blank, HttpStatusCode.BadRequest, "validation_failed");
        var patched = await world.Client.SendWithIfMatchAsync(HttpMethod.Patch, "/v1/organisation", new { postalAddress = "Alte Straße 4\n80331 München" }, 1);
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Equal("Alte Straße 4\n80331 München", (await patched.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("postalAddress").GetString());
        var toDpc = await world.Client.CreatedAsync($"/v1/cases/{world.CaseId}/letters", new
        {
            direction = "outgoing", type = "complaint_submission", dpaId = CaseApi.Features.Demo.DemoData.DpaId("ie-dpc"), channel = "post", subject = "Complaint",
        });
        var sent = await world.SendAsync(toDpc, "2025-05-02T09:00:00+02:00");

        var text = Text(await (await world.Client.GetAsync($"/v1/letters/{sent.Id()}/document?language=en")).Content.ReadAsByteArrayAsync());

        AssertContainsAll(text, "Alte Straße 4", "München, 2 May 2025", "An Coimisiún um Chosaint Sonraí / Data Protection Commission",
            "21 Fitzwilliam Square South", "D02 RD28");
    }

    [Fact]
    public async Task A_received_letter_is_not_rendered_another_organisation_s_letter_is_not_found_and_an_unknown_language_is_refused()
    {
        var world = await Letters.WorldAsync(api);
        var draft = await world.DraftAsync();
        var received = await world.ReplyAsync(draft.Id(), "2025-05-10T08:00:00+00:00");
        var other = await Letters.WorldAsync(api);

        await ProblemAssert.IsProblemAsync(await world.Client.GetAsync($"/v1/letters/{received.Id()}/document"), HttpStatusCode.Conflict, "letter_not_outgoing");
        await ProblemAssert.IsProblemAsync(await other.Client.GetAsync($"/v1/letters/{draft.Id()}/document"), HttpStatusCode.NotFound, "not_found");
        await ProblemAssert.IsProblemAsync(await world.Client.GetAsync($"/v1/letters/{draft.Id()}/document?language=fr"), HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public void A_three_page_letter_breaks_pages_numbers_them_and_renders_well_under_a_second()
    {
        var paragraph = "Die Verarbeitung personenbezogener Daten zum Training von KI-Modellen stützt sich nicht auf ein berechtigtes Interesse " +
                        "im Sinne von Art. 6 Abs. 1 lit. f DSGVO, weil die Interessen der betroffenen Personen überwiegen.";
        var body = string.Join("\n\n", Enumerable.Range(1, 26).Select(i => i % 5 == 0 ? $"- Punkt {i}: {paragraph}" : $"{i}. Absatz. {paragraph}"));
        var sheet = new LetterSheet
        {
            Language = "de", SenderName = "Verbraucherzentrale Test e.V.", SenderAddress = "Helmholtzstraße 19\n40215 Düsseldorf",
            RecipientName = "Meta Platforms Ireland Limited", RecipientAddress = "Merrion Road, Dublin 4, D04 X2K5, Ireland",
            Date = new DateOnly(2025, 4, 30), Reference = "DEMO-2025-001", Subject = "Abmahnung", Body = body,
            RenderedAt = new DateTimeOffset(2025, 4, 30, 12, 0, 0, TimeSpan.Zero),
        };
        LetterDocument.Render(sheet with { Body = "warm-up" });

        var watch = Stopwatch.StartNew();
        var pdf = LetterDocument.Render(sheet);
        watch.Stop();

        using var document = PdfDocument.Open(pdf);
        Assert.Equal(3, document.NumberOfPages);
        Assert.Contains("Seite 3 von 3", ContentOrderTextExtractor.GetText(document.GetPage(3)), StringComparison.Ordinal);
        Assert.Contains("26. Absatz.", Text(pdf), StringComparison.Ordinal);
        Assert.True(watch.ElapsedMilliseconds < 1000, $"rendering took {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void Text_outside_Latin_1_stays_extractable()
    {
        var sheet = new LetterSheet
        {
            Language = "en", SenderName = "Fundacja Panoptykon", SenderAddress = "ul. Orzechowska 4/4\n02-068 Warszawa",
            RecipientName = "Urząd Ochrony Danych Osobowych", RecipientAddress = "ul. Stawki 2, 00-193 Warszawa, Poland",
            Date = new DateOnly(2025, 4, 30), Reference = "PL-2025-7", Subject = "Skarga – Łódź", Body = "Zażółć gęślą jaźń; € 1 000; Ελληνικά.",
            RenderedAt = new DateTimeOffset(2025, 4, 30, 12, 0, 0, TimeSpan.Zero),
        };

        var pdf = LetterDocument.Render(sheet);

        AssertContainsAll(Text(pdf), "Urząd Ochrony Danych Osobowych", "Skarga – Łódź", "Zażółć gęślą jaźń; € 1 000; Ελληνικά.");
        AssertFontsEmbeddedAndNoScript(pdf);
    }

    [Theory]
    [InlineData("Helmholtzstraße 19\n40215 Düsseldorf", "Düsseldorf")]
    [InlineData("Postfach 1\nD-10115 Berlin", "Berlin")]
    [InlineData("ul. Orzechowska 4/4\n02-068 Warszawa", "Warszawa")]
    [InlineData("Postbus 93374\n2509 AJ Den Haag", "Den Haag")]
    [InlineData("1 Main Street\nLondon", "London")]
    [InlineData(null, null)]
    public void The_place_in_the_date_line_is_the_town_of_the_address_s_last_line(string? address, string? place) =>
        Assert.Equal(place, LetterDocument.Place(address));

    private static string Text(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        var text = new StringBuilder();
        foreach (var page in document.GetPages())
        {
            text.AppendLine(ContentOrderTextExtractor.GetText(page));
        }

        // Wrapped lines come back as lines: one space for each break, so that sentences can be looked for whole.
        return System.Text.RegularExpressions.Regex.Replace(text.ToString(), @"\s*\n\s*", " ");
    }

    private static void AssertContainsAll(string text, params string[] expected) =>
        Assert.All(expected, part => Assert.Contains(part, text, StringComparison.Ordinal));

    private static void AssertFontsEmbeddedAndNoScript(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        var fontsUsed = document.GetPages().SelectMany(p => p.Letters).Select(l => l.FontName).Distinct().ToList();
        var descriptors = document.Structure.CrossReferenceTable.ObjectOffsets.Keys
            .Select(key => document.Structure.GetObject(key).Data)
            .OfType<DictionaryToken>()
            .Where(d => d.Data.TryGetValue("Type", out var type) && type is NameToken { Data: "FontDescriptor" })
            .ToList();
        Assert.NotEmpty(fontsUsed);
        Assert.True(descriptors.Count >= fontsUsed.Count, $"fonts {string.Join(", ", fontsUsed)}; descriptors {descriptors.Count}");
        Assert.All(descriptors, d => Assert.True(d.ContainsKey(NameToken.FontFile2), $"not embedded: {d}"));

        // Whole names only: a font subset's tag (/AAXYZQ+DejaVuSans) may start with the letters of one.
        Assert.DoesNotMatch(@"/(JavaScript|JS|OpenAction|AA|Launch)(?![A-Za-z0-9#+_.-])", Encoding.Latin1.GetString(pdf));
    }
}
