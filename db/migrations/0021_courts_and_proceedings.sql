-- Issue 13 point 3: court proceedings in a case, before courts from a registry.

-- The registry of courts. Reference data shared by every organisation, like the DPA registry: no organisation_id,
-- no row-level security, and ids derived from the code so that a court has the same id in every database.
-- jurisdiction is where the court sits, as the holiday calendars name it (ISO 3166-2 'DE-NW', or 'LU'): a court's
-- local public holidays are those of its seat (ZPO § 222(2), VwGO § 57(2)).
CREATE TABLE courts (
    id            uuid GENERATED ALWAYS AS (md5('court:' || code)::uuid) STORED PRIMARY KEY,
    code          text NOT NULL UNIQUE CHECK (code ~ '^[a-z]{2}(-[a-z0-9]+)+$'),
    kind          text NOT NULL CHECK (kind IN ('court_of_justice_eu', 'federal_court_of_justice', 'federal_administrative_court',
                                                'higher_regional_court', 'regional_court', 'higher_administrative_court', 'administrative_court')),
    name          text NOT NULL,
    city          text NOT NULL,
    jurisdiction  text NOT NULL CHECK (jurisdiction ~ '^[A-Z]{2}(-[A-Z0-9]{1,3})?$'),
    source        text NOT NULL
);

CREATE INDEX courts_by_kind ON courts (kind, code);
CREATE INDEX courts_by_jurisdiction ON courts (jurisdiction, code);

REVOKE INSERT, UPDATE, DELETE ON courts FROM $app_role$;

-- Names and seats: the 24 Oberlandesgerichte as listed by the article "Oberlandesgericht" (section "Die einzelnen
-- Oberlandesgerichte"); Landgerichte and Verwaltungsgerichte as the courts' address register of the Länder lists them.
-- Landgerichte: the ones at the seats of the Oberlandesgerichte where one sits there. Verwaltungsgerichte: the ones in
-- whose district a German data protection authority has its seat (GDPR Art. 78(3), VwGO § 52 Nr. 3), e.g. VG Köln
-- for the BfDI in Bonn, VG Ansbach for the BayLDA; Oberverwaltungsgerichte above the busiest of them.
INSERT INTO courts (code, kind, name, city, jurisdiction, source)
SELECT c.code, c.kind, c.name, c.city, c.jurisdiction, c.source
FROM (VALUES
    ('eu-cjeu', 'court_of_justice_eu', 'Court of Justice of the European Union', 'Luxembourg', 'LU', 'https://curia.europa.eu'),
    ('de-bgh', 'federal_court_of_justice', 'Bundesgerichtshof', 'Karlsruhe', 'DE-BW', 'https://www.bundesgerichtshof.de'),
    ('de-bverwg', 'federal_administrative_court', 'Bundesverwaltungsgericht', 'Leipzig', 'DE-SN', 'https://www.bverwg.de'),
    ('de-olg-karlsruhe', 'higher_regional_court', 'Oberlandesgericht Karlsruhe', 'Karlsruhe', 'DE-BW', 'https://de.wikipedia.org/wiki/Oberlandesgericht'),
    ('de-olg-stuttgart', 'higher_regional_court', 'Oberlandesgericht Stuttgart', 'Stuttgart', 'DE-BW', 'https://de.wikipedia.org/wiki/Oberlandesgericht'),
    ('de-olg-bamberg', 'higher_regional_court', 'Oberlandesgericht Bamberg', 'Bamberg', 'DE-BY', 'https://de.wikipedia.org/wiki/Oberlandesgericht'),
    ('de-olg-muenchen', 'higher_regional_court', 'Oberlandesgericht München', 'München', 'DE-BY', 'https://de.wikipedia.org/wiki/Oberlandesgericht'),
    ('de-olg-nuernberg', 'higher_regional_court', 'Oberlandesgericht Nürnberg', 'Nürnberg', 'DE-BY', 'https://de.wikipedia.org/wiki/Oberlandesgericht'),
    ('de-kg', 'higher_regional_court', 'Kammergericht', 'Berlin', 'DE-BE', 'https://de.wikipedia.org/wiki/Oberlandesgericht'),
    ('de-olg-brandenburg', 'higher_regional_court', 'Brandenburgisches Oberlandesgericht', 'Brandenburg an der Havel', 'DE-BB', 'https://de.wikipedia.org/wiki/Oberlandesgericht'),
    ('de-olg-bremen', 'higher_regional_court', 'Hanseatisches Oberlandesgericht in Bremen', 'Bremen', 'DE-HB', 'https://de.wikipedia.org/wiki/Oberlandesgericht'),
    ('de-olg-hamburg', 'higher_regional_court', 'Hanseatisches Oberlandesgericht', 'Hamburg', 'DE-HH', 'https://de.wikipedia.org/wiki/Oberlandesgericht'),
    ('de-olg-frankfurt', 'higher_regional_court', 'Oberlandesgericht Frankfurt am Main', 'Frankfurt am Main', 'DE-HE', 'https://de.wikipedia.org/wiki/Oberlandesgericht'),
    ('de-olg-rostock', 'higher_regional_court', 'Oberlandesgericht Rostock', 'Rostock', 'DE-MV', 'https://de.wikipedia.org/wiki/Oberlandesgericht'),
    ('de-olg-braunschweig', 'higher_regional_court', 'Oberlandesgericht Braunschweig', 'Braunschweig', 'DE-NI', 'https://de.wikipedia.org/wiki/Oberlandesgericht'),
    ('de-olg-celle', 'higher_regional_court', 'Oberlandesgericht Celle', 'Celle', 'DE-NI', 'https://de.wikipedia.org/wiki/Oberlandesgericht'),
    ('de-olg-oldenburg', 'higher_regional_court', 'Oberlandesgericht Oldenburg', 'Oldenburg', 'DE-NI', 'https://de.wikipedia.org/wiki/Oberlandesgericht'),
    ('de-olg-duesseldorf', 'higher_regional_court', 'Oberlandesgericht Düsseldorf', 'Düsseldorf', 'DE-NW', 'https://de.wikipedia.org/wiki/Oberlandesgericht'),
    ('de-olg-hamm', 'higher_regional_court', 'Oberlandesgericht Hamm', 'Hamm', 'DE-NW', 'https://de.wikipedia.org/wiki/Oberlandesgericht'),
    ('de-olg-koeln', 'higher_regional_court', 'Oberlandesgericht Köln', 'Köln', 'DE-NW', 'https://de.wikipedia.org/wiki/Oberlandesgericht'),
    ('de-olg-koblenz', 'higher_regional_court', 'Oberlandesgericht Koblenz', 'Koblenz', 'DE-RP', 'https://de.wikipedia.org/wiki/Oberlandesgericht'),
    ('de-olg-zweibruecken', 'higher_regional_court', 'Pfälzisches Oberlandesgericht Zweibrücken', 'Zweibrücken', 'DE-RP', 'https://de.wikipedia.org/wiki/Oberlandesgericht'),
    ('de-olg-saarbruecken', 'higher_regional_court', 'Saarländisches Oberlandesgericht', 'Saarbrücken', 'DE-SL', 'https://de.wikipedia.org/wiki/Oberlandesgericht'),
    ('de-olg-dresden', 'higher_regional_court', 'Oberlandesgericht Dresden', 'Dresden', 'DE-SN', 'https://de.wikipedia.org/wiki/Oberlandesgericht'),
    ('de-olg-naumburg', 'higher_regional_court', 'Oberlandesgericht Naumburg', 'Naumburg', 'DE-ST', 'https://de.wikipedia.org/wiki/Oberlandesgericht'),
    ('de-olg-schleswig', 'higher_regional_court', 'Schleswig-Holsteinisches Oberlandesgericht', 'Schleswig', 'DE-SH', 'https://de.wikipedia.org/wiki/Oberlandesgericht'),
    ('de-olg-jena', 'higher_regional_court', 'Thüringer Oberlandesgericht', 'Jena', 'DE-TH', 'https://de.wikipedia.org/wiki/Oberlandesgericht'),
    ('de-lg-karlsruhe', 'regional_court', 'Landgericht Karlsruhe', 'Karlsruhe', 'DE-BW', 'https://www.justizadressen.nrw.de'),
    ('de-lg-stuttgart', 'regional_court', 'Landgericht Stuttgart', 'Stuttgart', 'DE-BW', 'https://www.justizadressen.nrw.de'),
    ('de-lg-bamberg', 'regional_court', 'Landgericht Bamberg', 'Bamberg', 'DE-BY', 'https://www.justizadressen.nrw.de'),
    ('de-lg-muenchen-1', 'regional_court', 'Landgericht München I', 'München', 'DE-BY', 'https://www.justizadressen.nrw.de'),
    ('de-lg-nuernberg-fuerth', 'regional_court', 'Landgericht Nürnberg-Fürth', 'Nürnberg', 'DE-BY', 'https://www.justizadressen.nrw.de'),
    ('de-lg-berlin-2', 'regional_court', 'Landgericht Berlin II', 'Berlin', 'DE-BE', 'https://www.justizadressen.nrw.de'),
    ('de-lg-bremen', 'regional_court', 'Landgericht Bremen', 'Bremen', 'DE-HB', 'https://www.justizadressen.nrw.de'),
    ('de-lg-hamburg', 'regional_court', 'Landgericht Hamburg', 'Hamburg', 'DE-HH', 'https://www.justizadressen.nrw.de'),
    ('de-lg-frankfurt', 'regional_court', 'Landgericht Frankfurt am Main', 'Frankfurt am Main', 'DE-HE', 'https://www.justizadressen.nrw.de'),
    ('de-lg-rostock', 'regional_court', 'Landgericht Rostock', 'Rostock', 'DE-MV', 'https://www.justizadressen.nrw.de'),
    ('de-lg-braunschweig', 'regional_court', 'Landgericht Braunschweig', 'Braunschweig', 'DE-NI', 'https://www.justizadressen.nrw.de'),
    ('de-lg-oldenburg', 'regional_court', 'Landgericht Oldenburg', 'Oldenburg', 'DE-NI', 'https://www.justizadressen.nrw.de'),
    ('de-lg-duesseldorf', 'regional_court', 'Landgericht Düsseldorf', 'Düsseldorf', 'DE-NW', 'https://www.justizadressen.nrw.de'),
    ('de-lg-koeln', 'regional_court', 'Landgericht Köln', 'Köln', 'DE-NW', 'https://www.justizadressen.nrw.de'),
    ('de-lg-koblenz', 'regional_court', 'Landgericht Koblenz', 'Koblenz', 'DE-RP', 'https://www.justizadressen.nrw.de'),
    ('de-lg-zweibruecken', 'regional_court', 'Landgericht Zweibrücken', 'Zweibrücken', 'DE-RP', 'https://www.justizadressen.nrw.de'),
    ('de-lg-saarbruecken', 'regional_court', 'Landgericht Saarbrücken', 'Saarbrücken', 'DE-SL', 'https://www.justizadressen.nrw.de'),
    ('de-lg-dresden', 'regional_court', 'Landgericht Dresden', 'Dresden', 'DE-SN', 'https://www.justizadressen.nrw.de'),
    ('de-ovg-nrw', 'higher_administrative_court', 'Oberverwaltungsgericht für das Land Nordrhein-Westfalen', 'Münster', 'DE-NW', 'https://www.justizadressen.nrw.de'),
    ('de-vgh-bayern', 'higher_administrative_court', 'Bayerischer Verwaltungsgerichtshof', 'München', 'DE-BY', 'https://www.justizadressen.nrw.de'),
    ('de-vgh-hessen', 'higher_administrative_court', 'Hessischer Verwaltungsgerichtshof', 'Kassel', 'DE-HE', 'https://www.justizadressen.nrw.de'),
    ('de-ovg-berlin-brandenburg', 'higher_administrative_court', 'Oberverwaltungsgericht Berlin-Brandenburg', 'Berlin', 'DE-BE', 'https://www.justizadressen.nrw.de'),
    ('de-ovg-hamburg', 'higher_administrative_court', 'Hamburgisches Oberverwaltungsgericht', 'Hamburg', 'DE-HH', 'https://www.justizadressen.nrw.de'),
    ('de-vg-stuttgart', 'administrative_court', 'Verwaltungsgericht Stuttgart', 'Stuttgart', 'DE-BW', 'https://www.justizadressen.nrw.de'),
    ('de-vg-ansbach', 'administrative_court', 'Verwaltungsgericht Ansbach', 'Ansbach', 'DE-BY', 'https://www.justizadressen.nrw.de'),
    ('de-vg-muenchen', 'administrative_court', 'Verwaltungsgericht München', 'München', 'DE-BY', 'https://www.justizadressen.nrw.de'),
    ('de-vg-berlin', 'administrative_court', 'Verwaltungsgericht Berlin', 'Berlin', 'DE-BE', 'https://www.justizadressen.nrw.de'),
    ('de-vg-potsdam', 'administrative_court', 'Verwaltungsgericht Potsdam', 'Potsdam', 'DE-BB', 'https://www.justizadressen.nrw.de'),
    ('de-vg-bremen', 'administrative_court', 'Verwaltungsgericht Bremen', 'Bremen', 'DE-HB', 'https://www.justizadressen.nrw.de'),
    ('de-vg-hamburg', 'administrative_court', 'Verwaltungsgericht Hamburg', 'Hamburg', 'DE-HH', 'https://www.justizadressen.nrw.de'),
    ('de-vg-wiesbaden', 'administrative_court', 'Verwaltungsgericht Wiesbaden', 'Wiesbaden', 'DE-HE', 'https://www.justizadressen.nrw.de'),
    ('de-vg-schwerin', 'administrative_court', 'Verwaltungsgericht Schwerin', 'Schwerin', 'DE-MV', 'https://www.justizadressen.nrw.de'),
    ('de-vg-hannover', 'administrative_court', 'Verwaltungsgericht Hannover', 'Hannover', 'DE-NI', 'https://www.justizadressen.nrw.de'),
    ('de-vg-duesseldorf', 'administrative_court', 'Verwaltungsgericht Düsseldorf', 'Düsseldorf', 'DE-NW', 'https://www.justizadressen.nrw.de'),
    ('de-vg-koeln', 'administrative_court', 'Verwaltungsgericht Köln', 'Köln', 'DE-NW', 'https://www.justizadressen.nrw.de'),
    ('de-vg-mainz', 'administrative_court', 'Verwaltungsgericht Mainz', 'Mainz', 'DE-RP', 'https://www.justizadressen.nrw.de'),
    ('de-vg-saarland', 'administrative_court', 'Verwaltungsgericht des Saarlandes', 'Saarlouis', 'DE-SL', 'https://www.justizadressen.nrw.de'),
    ('de-vg-dresden', 'administrative_court', 'Verwaltungsgericht Dresden', 'Dresden', 'DE-SN', 'https://www.justizadressen.nrw.de'),
    ('de-vg-magdeburg', 'administrative_court', 'Verwaltungsgericht Magdeburg', 'Magdeburg', 'DE-ST', 'https://www.justizadressen.nrw.de'),
    ('de-vg-schleswig', 'administrative_court', 'Schleswig-Holsteinisches Verwaltungsgericht', 'Schleswig', 'DE-SH', 'https://www.justizadressen.nrw.de'),
    ('de-vg-weimar', 'administrative_court', 'Verwaltungsgericht Weimar', 'Weimar', 'DE-TH', 'https://www.justizadressen.nrw.de')
) AS c (code, kind, name, city, jurisdiction, source);

CREATE TABLE proceedings (
    id               uuid PRIMARY KEY,
    organisation_id  uuid NOT NULL,
    case_id          uuid NOT NULL,
    kind             text NOT NULL CHECK (kind IN ('preliminary_injunction', 'main_action', 'appeal', 'appeal_on_points_of_law',
                                                   'redress_action', 'model_declaratory_action', 'administrative_action')),
    court_id         uuid NOT NULL REFERENCES courts (id),
    -- The court's file number (Aktenzeichen), e.g. 15 UKl 2/25; unknown until the court assigns one.
    file_number      text CHECK (length(file_number) BETWEEN 1 AND 100),
    status           text NOT NULL CHECK (status IN ('preparing', 'pending', 'decided', 'final')),
    decision_outcome text CHECK (decision_outcome IN ('granted', 'partially_granted', 'rejected', 'dismissed_inadmissible', 'settled', 'withdrawn', 'referred')),
    decided_on       date,
    ecli             text CHECK (ecli ~ '^ECLI:[A-Z]{2}:[A-Z0-9.]{1,7}:[0-9]{4}:[A-Z0-9.]{1,25}$'),
    appealable       boolean,
    version          integer NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    CONSTRAINT proceedings_organisation_id_id_key UNIQUE (organisation_id, id),
    FOREIGN KEY (organisation_id, case_id) REFERENCES cases (organisation_id, id),
    CONSTRAINT proceedings_decision_complete CHECK ((decision_outcome IS NULL) = (decided_on IS NULL) AND (decision_outcome IS NULL) = (appealable IS NULL)),
    CONSTRAINT proceedings_decided_has_decision CHECK (status NOT IN ('decided') OR decision_outcome IS NOT NULL)
);

CREATE INDEX proceedings_by_id ON proceedings (organisation_id, id);
CREATE INDEX proceedings_by_case ON proceedings (organisation_id, case_id, id);
CREATE INDEX proceedings_by_court ON proceedings (organisation_id, court_id, id);

CREATE TABLE proceeding_parties (
    id               uuid PRIMARY KEY,
    organisation_id  uuid NOT NULL,
    proceeding_id    uuid NOT NULL,
    position         integer NOT NULL,
    name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
    role             text NOT NULL CHECK (role IN ('claimant', 'defendant', 'applicant', 'respondent', 'appellant', 'appellee', 'intervener', 'third_party_notified')),
    defendant_id     uuid,
    FOREIGN KEY (organisation_id, proceeding_id) REFERENCES proceedings (organisation_id, id) ON DELETE CASCADE,
    FOREIGN KEY (organisation_id, defendant_id) REFERENCES defendants (organisation_id, id),
    UNIQUE (organisation_id, proceeding_id, position)
);

CREATE INDEX proceeding_parties_by_defendant ON proceeding_parties (organisation_id, defendant_id);

CREATE TABLE proceeding_events (
    id               uuid PRIMARY KEY,
    organisation_id  uuid NOT NULL,
    proceeding_id    uuid NOT NULL,
    -- The order recorded: ids made in the same millisecond do not keep it.
    seq              bigint GENERATED ALWAYS AS IDENTITY,
    kind             text NOT NULL CHECK (kind IN ('filed', 'served', 'hearing_scheduled', 'hearing_held', 'decision_pronounced', 'decision_served', 'final')),
    occurred_on      date NOT NULL,
    hearing_at       timestamptz,
    place            text CHECK (length(place) BETWEEN 1 AND 300),
    outcome          text CHECK (outcome IN ('granted', 'partially_granted', 'rejected', 'dismissed_inadmissible', 'settled', 'withdrawn', 'referred')),
    ecli             text CHECK (ecli ~ '^ECLI:[A-Z]{2}:[A-Z0-9.]{1,7}:[0-9]{4}:[A-Z0-9.]{1,25}$'),
    appealable       boolean,
    note             text CHECK (length(note) BETWEEN 1 AND 2000),
    recorded_at      timestamptz NOT NULL,
    FOREIGN KEY (organisation_id, proceeding_id) REFERENCES proceedings (organisation_id, id),
    CONSTRAINT proceeding_events_hearing_has_time CHECK ((kind = 'hearing_scheduled') = (hearing_at IS NOT NULL)),
    CONSTRAINT proceeding_events_decision_has_outcome CHECK ((kind = 'decision_pronounced') = (outcome IS NOT NULL AND appealable IS NOT NULL)),
    CONSTRAINT proceeding_events_ecli_only_on_decision CHECK (kind = 'decision_pronounced' OR ecli IS NULL)
);

CREATE INDEX proceeding_events_by_proceeding ON proceeding_events (organisation_id, proceeding_id, seq);
CREATE INDEX proceeding_events_hearings ON proceeding_events (organisation_id, hearing_at) WHERE kind = 'hearing_scheduled';

SELECT enable_tenant_isolation('proceedings');
SELECT enable_tenant_isolation('proceeding_parties');
SELECT enable_tenant_isolation('proceeding_events');
