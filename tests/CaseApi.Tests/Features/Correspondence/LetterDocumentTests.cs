using System.Diagnostics;
using System.Text;
using System.Xml.Linq;
using CaseApi.Features.Correspondence;
using CaseApi.Features.LetterTemplates;
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
        var letter = letters.GetProperty("items").EnumerateArray().Single(l => l.GetProperty("type").GetString() == "cease_and_desist" && l.GetProperty("status").GetString() == "sent");

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
            "Dear Sir or Madam,", "• Your interest does not override the interests and fundamental rights of the users",
            "1. to refrain from using the personal data of users in the EU to train AI models without their consent, and",
            "2. to sign the enclosed undertaking with a penalty clause and return it to us by 14 May 2025.", "Yours faithfully,", "Page 1 of 1");

        // The layout sets the recipient and the date; the body starts at the salutation (issue 15 point 5: they were printed twice).
        Assert.Equal(1, Occurrences(text, "Merrion Road"));
        Assert.Equal(1, Occurrences(text, "30 April 2025"));
        Assert.DoesNotContain("DRAFT", text, StringComparison.Ordinal);
        AssertFontsEmbeddedAndNoScript(pdf);
        AssertRoomToSign(pdf, "faithfully,", "Demo consumer organisation");
    }

    [Fact]
    public async Task A_letter_drafted_from_any_template_shows_the_recipient_s_address_once_and_starts_at_the_salutation()
    {
        using var client = api.ClientFor((await api.SeedDemoAsync()).AdminKey);
        var letters = await client.GetFromJsonAsync<JsonElement>("/v1/letters?limit=200");
        var sent = letters.GetProperty("items").EnumerateArray().Single(l => l.GetProperty("type").GetString() == "cease_and_desist" && l.GetProperty("status").GetString() == "sent");
        var caseId = sent.GetProperty("caseId").GetGuid();
        var dpc = CaseApi.Features.Demo.DemoData.DpaId("ie-dpc");
        var complaints = await client.GetFromJsonAsync<JsonElement>($"/v1/complaints?limit=200");
        var complaintAtDpc = complaints.GetProperty("items").EnumerateArray().First(c => c.GetProperty("dpaId").GetGuid() == dpc).Id();
        var templates = (await client.GetFromJsonAsync<JsonElement>("/v1/letter-templates?limit=200")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(BuiltInLetterTemplates.All.Count + 1, templates.Count);

        foreach (var template in templates)
        {
            var toAuthority = template.GetProperty("name").GetString()!.Contains("78", StringComparison.Ordinal);
            object fields = toAuthority
                ? new { direction = "outgoing", type = template.GetProperty("letterType").GetString(), dpaId = dpc, complaintId = complaintAtDpc, channel = "post", templateId = template.Id() }
                : new { direction = "outgoing", type = template.GetProperty("letterType").GetString(), defendantId = sent.GetProperty("defendantId").GetGuid(), inReplyTo = sent.Id(), channel = "post", templateId = template.Id() };
            var draft = await client.CreatedAsync($"/v1/cases/{caseId}/letters", fields);
            var language = template.GetProperty("language").GetString();
            var salutation = language == "de" ? "Sehr geehrte Damen und Herren," : "Dear Sir or Madam,";

            var text = Text(await (await client.GetAsync($"/v1/letters/{draft.Id()}/document")).Content.ReadAsByteArrayAsync());

            var name = template.GetProperty("name").GetString();
            Assert.True(draft.GetProperty("body").GetString()!.StartsWith(salutation, StringComparison.Ordinal), $"{name}: {draft.GetProperty("body")}");
            Assert.True(Occurrences(text, toAuthority ? "21 Fitzwilliam Square South" : "Merrion Road") == 1, $"{name}: {text}");
            Assert.True(Occurrences(text, toAuthority ? "Data Protection Commission" : "Meta Platforms Ireland Limited") == 1, $"{name}: {text}");
            Assert.True(Occurrences(text, salutation) == 1, $"{name}: {text}");
        }
    }

    [Fact]
    public void The_file_declares_PDF_A_1a_with_an_output_intent_is_tagged_and_is_not_encrypted()
    {
        var pdf = LetterDocument.Render(Sheet with { Subject = "Abmahnung – „KI-Training“", Body = "Sehr geehrte Damen und Herren,\n\n- Punkt … 1 000 €\n\nMit freundlichen Grüßen" });

        using var document = PdfDocument.Open(pdf);
        // PDFsharp 6.2.4 writes PDF/A-1a and no other level (SetPdfA; https://docs.pdfsharp.net/PDFsharp/Topics/PDF-Features/Archiving.html).
        Assert.True(document.TryGetXmpMetadata(out var xmp));
        var pdfaid = XNamespace.Get("http://www.aiim.org/pdfa/ns/id/");
        var identification = xmp.GetXDocument().Descendants().Where(e => e.Name.Namespace == pdfaid).ToDictionary(e => e.Name.LocalName, e => e.Value);
        Assert.Equal("1", identification["part"]);
        Assert.Equal("A", identification["conformance"]);

        var catalog = document.Structure.Catalog.CatalogDictionary;
        var intents = Resolve<ArrayToken>(document, catalog.Data["OutputIntents"]);
        var intent = Resolve<DictionaryToken>(document, Assert.Single(intents.Data));
        Assert.Equal("GTS_PDFA1", Resolve<NameToken>(document, intent.Data["S"]).Data);
        Assert.True(intent.Data.ContainsKey("DestOutputProfile"), "no ICC profile in the output intent");
        var markInfo = Resolve<DictionaryToken>(document, catalog.Data["MarkInfo"]);
        Assert.True(Resolve<BooleanToken>(document, markInfo.Data["Marked"]).Data);
        Assert.True(catalog.Data.ContainsKey("StructTreeRoot"));
        Assert.Equal("de", Resolve<StringToken>(document, catalog.Data["Lang"]).Data);
        Assert.False(document.IsEncrypted);
        Assert.False(document.Structure.Trailer.EncryptionToken is not null, "encrypted");
        AssertFontsEmbeddedAndNoScript(pdf);
    }

    [Fact]
    public void Long_words_and_web_addresses_break_as_a_reader_expects_and_the_return_line_keeps_the_town()
    {
        const string url = "https://www.datenschutzkonferenz-online.de/media/oh/20240506_DSK_Orientierungshilfe_KI_und_Datenschutz_Version_1_0.pdf";
        const string compound = "Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichenherstellungsbetriebsverordnungsentwurfsbegründungsanhang";
        const string longSegment = "https://www.example.org/download/Abschlussberichtdatenschutzfolgenabschaetzungkuenstlicheintelligenztrainingsdatenverarbeitungsanlage.pdf";
        var pdf = LetterDocument.Render(Sheet with
        {
            SenderName = "Verbraucherzentrale Nordrhein-Westfalen e.V. – Gruppe Digitales und Verbraucherrecht",
            Body = $"Sehr geehrte Damen und Herren,\n\nsiehe {url} und die {compound}.\n\nAnlage: {longSegment}\n\nMit freundlichen Grüßen",
        });

        using var document = PdfDocument.Open(pdf);
        var lines = ContentOrderTextExtractor.GetText(document.GetPage(1)).Split('\n').Select(l => l.Trim()).ToList();
        // The return line above the window: smaller type and a shortened name rather than cut before the town (it was "… · 40215…").
        Assert.True(lines.Any(l => l.StartsWith("Verbraucherzentrale Nordrhein-Westfalen e.V.", StringComparison.Ordinal) && l.EndsWith(" · Helmholtzstraße 19 · 40215 Düsseldorf", StringComparison.Ordinal)),
            string.Join("\n", lines));
        // The address breaks after a separator and comes back whole when the lines are joined; the compound breaks with a hyphen.
        var urlStart = lines.FindIndex(l => l.Contains("https://", StringComparison.Ordinal));
        Assert.Matches(@"[/_.\-]$", lines[urlStart]);
        Assert.Contains(url, string.Concat(lines.Skip(urlStart)), StringComparison.Ordinal);
        // A segment of an address with no separator to break after is broken between letters, still without a hyphen.
        var segmentStart = lines.FindIndex(l => l.Contains("example.org", StringComparison.Ordinal));
        Assert.Contains(longSegment, string.Concat(lines.Skip(segmentStart)), StringComparison.Ordinal);
        var compoundStart = lines.FindIndex(l => l.Contains("Donaudampf", StringComparison.Ordinal));
        Assert.EndsWith("-", lines[compoundStart], StringComparison.Ordinal);
        Assert.Contains(compound, string.Concat(lines.Skip(compoundStart).Select(l => l.TrimEnd('-'))), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("An Coimisiún um Chosaint Sonraí / Data Protection Commission", "21 Fitzwilliam Square South, Dublin 2, D02 RD28, Ireland")]
    [InlineData("Meta Platforms Ireland Limited", "Legal Department\nAttn. Data Protection Officer\nMerrion Road\nBuilding 2, 4th floor\nDublin 4\nD04 X2K5\nIreland")]
    public void The_recipient_stays_inside_the_envelope_window_however_many_lines_the_address_has(string name, string address)
    {
        var pdf = LetterDocument.Render(Sheet with { RecipientName = name, RecipientAddress = address, Body = "Text." });

        using var document = PdfDocument.Open(pdf);
        var page = document.GetPage(1);
        double FromTop(double y) => (page.Height - y) * 25.4 / 72;
        var words = page.GetWords().ToList();
        var first = words.First(w => name.StartsWith(w.Text, StringComparison.Ordinal));
        var last = words.Last(w => w.Text == "Ireland");
        // DIN 5008 form B: the address zone runs from 62.7 to 90 mm from the top edge, the return line above it.
        Assert.InRange(FromTop(first.BoundingBox.Top), 62.7, 90);
        Assert.InRange(FromTop(last.BoundingBox.Bottom), 62.7, 90);
        var returnLine = words.First(w => w.Text == "Helmholtzstraße" && w.Letters[0].PointSize < 7);
        Assert.InRange(FromTop(returnLine.BoundingBox.Bottom), 45, 62.7);
    }

    [Fact]
    public void A_closing_is_signed_on_its_page_under_room_for_the_signature_and_never_stands_there_alone()
    {
        // From 10 to 29 paragraphs, page 1 ends at every point of the closing once: in the last paragraph, before the closing,
        // after it. The body's own last line, the organisation's name, becomes the signature block.
        var paragraph = "Die Verarbeitung personenbezogener Daten zum Training von KI-Modellen stützt sich nicht auf ein berechtigtes Interesse im Sinne von Art. 6 Abs. 1 lit. f DSGVO.";
        for (var count = 10; count < 30; count++)
        {
            var body = "Sehr geehrte Damen und Herren,\n\n" + string.Join("\n\n", Enumerable.Range(1, count).Select(i => $"{i}. {paragraph}")) +
                       "\n\nMit freundlichen Grüßen\n\nVerbraucherzentrale Test e.V.";

            var pdf = LetterDocument.Render(Sheet with { Body = body });

            using var document = PdfDocument.Open(pdf);
            var last = ContentOrderTextExtractor.GetText(document.GetPage(document.NumberOfPages));
            Assert.True(last.Contains("Mit freundlichen Grüßen", StringComparison.Ordinal), $"{count} paragraphs: the closing is not on the last page");
            Assert.True(last.Contains("f DSGVO.", StringComparison.Ordinal), $"{count} paragraphs: the closing stands alone on its page");
            AssertRoomToSign(pdf, "Grüßen", "Verbraucherzentrale Test e.V.");
        }
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
        var toDpc = await world.Client.CreatedAsync<LetterDto>($"/v1/cases/{world.CaseId}/letters", new
        {
            direction = "outgoing", type = "complaint_submission", dpaId = CaseApi.Features.Demo.DemoData.DpaId("ie-dpc"), channel = "post", subject = "Complaint",
        });
        var sent = await world.SendAsync(toDpc, "2025-05-02T09:00:00+02:00");

        var text = Text(await (await world.Client.GetAsync($"/v1/letters/{sent.Id}/document?language=en")).Content.ReadAsByteArrayAsync());

        AssertContainsAll(text, "Alte Straße 4", "München, 2 May 2025", "An Coimisiún um Chosaint Sonraí / Data Protection Commission",
            "21 Fitzwilliam Square South", "D02 RD28");
    }

    [Fact]
    public async Task A_received_letter_is_not_rendered_another_organisation_s_letter_is_not_found_and_an_unknown_language_is_refused()
    {
        var world = await Letters.WorldAsync(api);
        var draft = await world.DraftAsync();
        var received = await world.ReplyAsync(draft.Id, "2025-05-10T08:00:00+00:00");
        var other = await Letters.WorldAsync(api);

        await ProblemAssert.IsProblemAsync(await world.Client.GetAsync($"/v1/letters/{received.Id}/document"), HttpStatusCode.Conflict, "letter_not_outgoing");
        await ProblemAssert.IsProblemAsync(await other.Client.GetAsync($"/v1/letters/{draft.Id}/document"), HttpStatusCode.NotFound, "not_found");
        await ProblemAssert.IsProblemAsync(await world.Client.GetAsync($"/v1/letters/{draft.Id}/document?language=fr"), HttpStatusCode.BadRequest, "validation_failed");
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
    public void Text_outside_Windows_1252_stays_extractable_and_is_not_declared_PDF_A()
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
        // Set in a CID font, which PDFsharp writes without the CIDSet PDF/A-1 asks for: not declared PDF/A (see LetterDocument).
        using var document = PdfDocument.Open(pdf);
        Assert.False(document.TryGetXmpMetadata(out var xmp) && xmp.GetXDocument().Descendants().Any(e => e.Name.NamespaceName == "http://www.aiim.org/pdfa/ns/id/"));
        Assert.False(document.Structure.Catalog.CatalogDictionary.Data.ContainsKey("OutputIntents"));
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

    private static readonly LetterSheet Sheet = new()
    {
        Language = "de", SenderName = "Verbraucherzentrale Test e.V.", SenderAddress = "Helmholtzstraße 19\n40215 Düsseldorf",
        RecipientName = "Meta Platforms Ireland Limited", RecipientAddress = "Merrion Road, Dublin 4, D04 X2K5, Ireland",
        Date = new DateOnly(2025, 4, 30), Reference = "DEMO-2025-001", Subject = "Abmahnung",
        RenderedAt = new DateTimeOffset(2025, 4, 30, 12, 0, 0, TimeSpan.Zero),
    };

    private static int Occurrences(string text, string part) =>
        System.Text.RegularExpressions.Regex.Matches(text, System.Text.RegularExpressions.Regex.Escape(part)).Count;

    private static T Resolve<T>(PdfDocument document, IToken token) where T : IToken =>
        token is IndirectReferenceToken reference ? Assert.IsType<T>(document.Structure.GetObject(reference.Data).Data) : Assert.IsType<T>(token);

    /// <summary>The signature line's name stands on the closing's page, at least 15 mm (42.5 pt) below it: room to sign by hand.</summary>
    private static void AssertRoomToSign(byte[] pdf, string closingWord, string name)
    {
        using var document = PdfDocument.Open(pdf);
        var page = document.GetPages().Single(p => p.GetWords().Any(w => w.Text == closingWord));
        var closing = page.GetWords().Last(w => w.Text == closingWord).BoundingBox.Bottom;
        var firstWord = name.Split(' ')[0];
        var signed = page.GetWords().Where(w => w.Text == firstWord).Select(w => w.BoundingBox.Bottom).Where(bottom => bottom < closing).ToList();
        Assert.True(signed.Count == 1, $"'{name}' under '{closingWord}': {signed.Count} times");
        Assert.True(closing - signed[0] >= 42.5, $"{closing - signed[0]:0.0} pt between the closing and the name");
    }

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
