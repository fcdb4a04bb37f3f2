namespace CaseApi.Features.Correspondence;

/// <summary>
/// How long a letter's text may be: one number for the validators, for drafting from templates and for the CHECKs on
/// <c>letters</c> (migrations 0008 and 0014), so that no way of writing a letter can exceed what another refuses.
/// </summary>
public static class LetterLimits
{
    public const int MaxSubjectLength = 500;

    // Some 80 pages. Even at three UTF-8 bytes a character a body this long fits into one request (Limits:MaxRequestBodyBytes,
    // 1 MiB), so a letter a template drafts can always be read back, changed and sent whole by a client (issue 11).
    public const int MaxBodyLength = 200_000;
}
