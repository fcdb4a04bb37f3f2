// The Meta story through openapi-fetch, typed by what openapi-typescript generates from openapi.yaml: paths, parameters,
// bodies and answers all come from the file, so a renamed field, a removed route or a body the API no longer takes fails
// `tsc`. Type-checked in CI (tests/CaseApi.Tests/Clients/TypeScriptClientTests.cs); it shows a TypeScript case system
// the calls, and is not run.
import createClient from "openapi-fetch";
import type { paths } from "./generated/caseapi";

/** Opens the case against Meta, files a complaint, sends a letter from a template and watches the answer's deadline. */
export async function metaStory(baseUrl: string, apiKey: string, dpcId: string): Promise<string> {
  const api = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${apiKey}` } });

  const meta = answer(await api.POST("/v1/defendants", {
    body: { legalName: "Meta Platforms Ireland Limited", country: "IE", mainEstablishmentCountry: "IE" },
  }));
  const opened = answer(await api.POST("/v1/cases", {
    body: { reference: "META-AI-2025", title: "Meta: training AI on EU users' posts", defendantIds: [meta.id], tags: ["ai-training"] },
  }));

  const complaint = answer(await api.POST("/v1/cases/{caseId}/complaints", {
    params: { path: { caseId: opened.id } },
    body: { defendantId: meta.id, dpaId: dpcId, onBehalfOf: "organisation" },
  }));
  const filed = answer(await api.POST("/v1/complaints/{id}/transitions", {
    params: { path: { id: complaint.id }, header: { "If-Match": `"${complaint.version}"` } },
    body: { to: "filed", at: "2025-04-30T09:00:00Z" },
  }));
  answer(await api.POST("/v1/complaints/{id}/transitions", {
    params: { path: { id: filed.id }, header: { "If-Match": `"${filed.version}"` } },
    body: { to: "acknowledged", dpaReference: "DPC-C-25-0001" },
  }));

  const template = answer(await api.POST("/v1/letter-templates", {
    body: {
      name: "Cease and desist (AI training)", letterType: "cease_and_desist", language: "en",
      subject: "Cease and desist – our reference {{ case.reference }}", body: "To {{ defendant.legal_name }}",
    },
  }));
  const draft = answer(await api.POST("/v1/cases/{caseId}/letters", {
    params: { path: { caseId: opened.id } },
    body: { direction: "outgoing", type: "cease_and_desist", channel: "email", defendantId: meta.id, templateId: template.id },
  }));
  const sent = answer(await api.POST("/v1/letters/{id}/send", {
    params: { path: { id: draft.id }, header: { "If-Match": `"${draft.version}"` } },
    body: { sentAt: "2025-04-30T10:00:00+02:00", responsePeriod: "P14D" },
  }));
  if (!sent.deadline) {
    throw new Error("A letter sent with a response period has a deadline.");
  }

  const deadline = answer(await api.GET("/v1/deadlines/{id}", { params: { path: { id: sent.deadline.id } } }));

  answer(await api.POST("/v1/webhooks", {
    body: { url: "https://cases.example.org/caseapi-webhook", eventTypes: ["letter.sent", "deadline.missed"] },
  }));
  const feed = answer(await api.GET("/v1/events", { params: { query: { limit: 200 } } }));
  const types = feed.items.map((event) => event.type);

  return `${deadline.dueDate} (${deadline.status}); the feed holds ${types.join(", ")}`;
}

/** The body of a 2xx answer; anything else throws with the problem details. */
function answer<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.data === undefined) {
    throw new Error(`${result.response.status} ${result.response.url}: ${JSON.stringify(result.error)}`);
  }

  return result.data;
}
