-- Issue 13 point 2: the urgency window (UWG § 12(1)) at a Landgericht is the practice of the Oberlandesgericht above it.
-- An application for a preliminary injunction is mostly made to a Landgericht; appeals and complaints against its decisions go to
-- the Oberlandesgericht of its district (GVG § 119(1) no. 2), whose case law on urgency (Dringlichkeit) the Landgericht follows.

ALTER TABLE courts ADD COLUMN higher_regional_court_code text REFERENCES courts (code);

-- Districts: each of these Landgerichte sits at the seat of the Oberlandesgericht in whose district it lies, as the Länder's court
-- organisation acts define the districts, e.g. Bayern GerOrgG Art. 2(2) (Bamberg, München I, Nürnberg-Fürth each in the district of
-- the Oberlandesgericht of its seat); https://olgzw.justiz.rlp.de/wir-ueber-uns/zustaendigkeiten (the Pfälzisches OLG Zweibrücken over
-- the Landgerichte Frankenthal, Kaiserslautern, Landau and Zweibrücken); the Kammergericht over the Landgericht Berlin II, Berlin's civil
-- Landgericht since 1 January 2024.
UPDATE courts SET higher_regional_court_code = m.olg
FROM (VALUES
    ('de-lg-karlsruhe', 'de-olg-karlsruhe'),
    ('de-lg-stuttgart', 'de-olg-stuttgart'),
    ('de-lg-bamberg', 'de-olg-bamberg'),
    ('de-lg-muenchen-1', 'de-olg-muenchen'),
    ('de-lg-nuernberg-fuerth', 'de-olg-nuernberg'),
    ('de-lg-berlin-2', 'de-kg'),
    ('de-lg-bremen', 'de-olg-bremen'),
    ('de-lg-hamburg', 'de-olg-hamburg'),
    ('de-lg-frankfurt', 'de-olg-frankfurt'),
    ('de-lg-rostock', 'de-olg-rostock'),
    ('de-lg-braunschweig', 'de-olg-braunschweig'),
    ('de-lg-oldenburg', 'de-olg-oldenburg'),
    ('de-lg-duesseldorf', 'de-olg-duesseldorf'),
    ('de-lg-koeln', 'de-olg-koeln'),
    ('de-lg-koblenz', 'de-olg-koblenz'),
    ('de-lg-zweibruecken', 'de-olg-zweibruecken'),
    ('de-lg-saarbruecken', 'de-olg-saarbruecken'),
    ('de-lg-dresden', 'de-olg-dresden')
) AS m (lg, olg)
WHERE courts.code = m.lg;

-- Every Landgericht has its Oberlandesgericht and no other court has one: added after the UPDATE, the check fails this migration
-- should a Landgericht of the registry be left out above. That each reference is an Oberlandesgericht is reference data the app
-- cannot change (0021 revokes INSERT, UPDATE, DELETE), checked by a test over the registry.
ALTER TABLE courts ADD CONSTRAINT courts_higher_regional_court_of_regional_courts
    CHECK ((kind = 'regional_court') = (higher_regional_court_code IS NOT NULL));
