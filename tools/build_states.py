#!/usr/bin/env python3
"""Build data/states.csv for treaty-ledger from the shared reference data.

Usage:
    python3 tools/build_states.py [SHARED_DATA_DIR] [--out data/states.csv]

SHARED_DATA_DIR defaults to ../shared/data relative to the repository root.
Standard library only; the output is deterministic (same inputs -> same bytes).

Inputs (see data/SOURCES.md for commits and licences):
    countries_iso3166.csv          ISO 3166-1 + UNTERM names   (ODC-PDDL-1.0)
    countries_names_demonyms.csv   mledoze/countries          (ODbL-1.0)
    iso3166_3_formerly_used.csv    ISO 3166-3 facts (codes, names only; source file LGPL-2.1)
    cow_states2016.csv             Correlates of War state system membership v2016
    gw_states.csv                  Gleditsch & Ward independent states
    untc_2026_participants.csv,
    untc_2013_2015_participants.csv  only used for the resolution check

countrycode_codelist.csv (GPL-3) is deliberately NOT read.

Columns written:
    iso3,iso2,numeric,name,formal_name,kind,cow_code,gw_code,aliases,demonyms

Checks (exit status 1 on failure):
  * every participant name in both UNTC files resolves to exactly one row
    (case-insensitive exact match against name, formal_name or an alias);
  * no name/formal_name/alias string is shared by two rows (case-insensitive);
  * no alias is a bare short code or lowercase word outside the allow-list;
  * every COW and GW code is either mapped to a row or explicitly skipped.
"""

import argparse
import csv
import io
import re
import sys
import unicodedata
from collections import Counter, OrderedDict, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = REPO / ".." / "shared" / "data"
DEFAULT_OUT = REPO / "data" / "states.csv"

COLUMNS = ["iso3", "iso2", "numeric", "name", "formal_name", "kind",
           "cow_code", "gw_code", "aliases", "demonyms"]

# ---------------------------------------------------------------------------
# Hand-curated tables
# ---------------------------------------------------------------------------

# Display names (`name` column). Default is the UNTERM short name as UNTC prints
# it, without "(the)" and "*". These overrides drop UNTERM's parenthesised
# qualifiers and use the short forms treaty offices and the press use for the
# few states whose UNTERM short name is the full formal style.
NAME_OVERRIDES = {
    "GBR": "United Kingdom",
    "USA": "United States",
    "BOL": "Bolivia",
    "VEN": "Venezuela",
    "IRN": "Iran",
    "FSM": "Micronesia",
    "CIV": "Côte d'Ivoire",     # the ISO file has "Ivory Coast" and no UNTERM name
    "TUR": "Türkiye",
    "TWN": "Taiwan",
    "HKG": "Hong Kong",          # ISO: "China, Hong Kong Special Administrative Region"
    "MAC": "Macao",
}

# formal_name overrides (default: UNTERM formal without leading "the", else
# mledoze name_official, else the display name).
FORMAL_OVERRIDES = {
    "TUR": "Republic of Türkiye",
    "CIV": "Republic of Côte d'Ivoire",
    "TWN": "Republic of China (Taiwan)",
    "VGB": "British Virgin Islands",    # mledoze "Virgin Islands" is ambiguous with VIR
    "VIR": "Virgin Islands of the United States",
    "HKG": "Hong Kong Special Administrative Region of the People's Republic of China",
    "MAC": "Macao Special Administrative Region of the People's Republic of China",
}

# Extra aliases: UNTC print forms, old names, press short forms. Reasons in comments.
EXTRA_ALIASES = {
    # UNTC print forms / UNTERM forms that the source files do not carry
    "NLD": ["Netherlands (Kingdom of the)", "the Netherlands"],   # UNTC since 2023
    "BHS": ["Bahamas (The)", "The Bahamas"],                      # UNTC 2026 prints "(The)"
    "GMB": ["The Gambia"],
    "KNA": ["St. Kitts and Nevis", "St Kitts and Nevis", "Saint Christopher and Nevis"],
    "VCT": ["St. Vincent and the Grenadines", "St Vincent and the Grenadines"],
    "LCA": ["St. Lucia", "St Lucia"],
    "VAT": ["the Holy See", "Vatican", "Vatican City"],
    "PSE": ["Palestine", "State of Palestine"],
    # old / former names of the same state (UNTC 2013-2015 forms included)
    "TUR": ["Turkey", "Turkiye", "Republic of Turkey"],
    "CZE": ["Czech Republic", "Czechia"],
    "SWZ": ["Swaziland", "Kingdom of Swaziland"],
    "MKD": ["The former Yugoslav Republic of Macedonia",
            "the former Yugoslav Republic of Macedonia",
            "Former Yugoslav Republic of Macedonia", "FYR Macedonia", "FYROM",
            "Macedonia", "Republic of Macedonia"],
    "LBY": ["Libyan Arab Jamahiriya", "Great Socialist People's Libyan Arab Jamahiriya"],
    "COD": ["Zaire", "Republic of Zaire", "DRC", "DR Congo", "Congo-Kinshasa",
            "Democratic Republic of Congo"],        # ISO 3166-3 ZAR = old name of COD
    "COG": ["Congo", "Republic of the Congo", "Republic of Congo", "Congo-Brazzaville"],
    "MMR": ["Burma", "Union of Burma", "Socialist Republic of the Union of Burma"],  # BUR
    "BEN": ["Dahomey", "Republic of Dahomey"],           # ISO 3166-3 DHY
    "BFA": ["Upper Volta", "Republic of Upper Volta"],   # ISO 3166-3 HVO
    "TLS": ["East Timor", "Timor-Leste"],                # ISO 3166-3 TMP
    "KHM": ["Democratic Kampuchea", "Kampuchea", "Khmer Republic"],
    "LKA": ["Ceylon"],
    "BLR": ["Byelorussian Soviet Socialist Republic", "Byelorussian SSR",
            "Byelorussia", "Belorussia"],                # ISO 3166-3 BYS
    "UKR": ["Ukrainian Soviet Socialist Republic", "Ukrainian SSR"],
    "VNM": ["Vietnam", "Viet Nam", "Democratic Republic of Viet-Nam",
            "Democratic Republic of Vietnam"],           # ISO 3166-3 VDR (North Vietnam)
    "YEM": ["Yemen Arab Republic", "North Yemen"],       # continuity of YEM code
    "DEU": ["West Germany", "German Federal Republic"],  # FRG continues as DEU
    "CIV": ["Côte d'Ivoire", "Cote d'Ivoire", "Ivory Coast"],
    "CPV": ["Cape Verde", "Cabo Verde"],
    # press short forms
    "GBR": ["UK", "U.K.", "Britain", "Great Britain", "the United Kingdom"],
    "USA": ["US", "U.S.", "USA", "U.S.A.", "United States", "the United States"],
    "KOR": ["South Korea"],
    "PRK": ["North Korea", "DPRK"],
    "RUS": ["Russia"],
    "MDA": ["Moldova"],
    "SYR": ["Syria"],
    "IRN": ["Iran"],
    "TZA": ["Tanzania"],
    "LAO": ["Laos", "Lao PDR"],
    "ARE": ["UAE"],
    "BIH": ["Bosnia", "Bosnia-Herzegovina"],
    "BRN": ["Brunei"],
    "BOL": ["Bolivia"],
    "VEN": ["Venezuela"],
    "FSM": ["Micronesia"],
    "HKG": ["Hong Kong SAR", "Hong Kong, China"],
    "MAC": ["Macau", "Macao SAR"],
    "TWN": ["Chinese Taipei"],
    # non-ISO rows
    "EUU": ["EU", "E.U.", "European Community", "European Communities",
            "European Economic Community", "EEC"],
    "XKX": ["Republic of Kosovo"],
    "SUN": ["USSR", "U.S.S.R.", "Soviet Union", "Union of Soviet Socialist Republics"],
    "YUG": ["Socialist Federal Republic of Yugoslavia", "Federal Republic of Yugoslavia",
            "SFRY", "SFR Yugoslavia"],
    "CSK": ["Czechoslovak Socialist Republic", "Czech and Slovak Federal Republic",
            "Czechoslovak Republic"],
    "DDR": ["East Germany", "GDR"],
    "SCG": ["State Union of Serbia and Montenegro"],
    "YMD": ["South Yemen", "People's Democratic Republic of Yemen",
            "Yemen, Democratic"],
    "XUE": ["United Nations Educational, Scientific and Cultural Organization"],
}

# Alias strings taken from the sources but dropped, with the reason.
DROP_ALIASES = {
    "Island": "Icelandic name of ISL; an ordinary English word",
    "Mann": "Manx name of IMN; common surname",
    "Guiana": "ambiguous (Guyana / French Guiana / the Guianas region)",
    "Timor": "ambiguous (island shared by TLS and Indonesia)",
    "Prathet": "Thai for 'country', not a name",
    "Dominique": "French name of DMA; common first name",
    "Mexicanos": "Spanish demonym, not a name",
    "Portuguesa": "adjective, not a name",
    "the Abode of Peace": "fragment of BRN's official style, not a name",
    "Holland": "a region of the Netherlands; brief: skip",
    "Emirates": "airline / ambiguous; brief: skip",
    "Korea": "ambiguous between KOR and PRK",
    "America": "ambiguous (continent); brief: skip",
    "Virgin Islands": "ambiguous between VGB and VIR",
    "Saudi": "moved to demonyms",
    "Thai": "moved to demonyms",
    "Togolese": "moved to demonyms",
    "Lao": "moved to demonyms (language/people)",
}

# Strings that name one state but could be attached to another: owner wins,
# the alias is removed from every other row. (None of these currently collide
# in the sources; the table documents the decision and guards future inputs.)
ALIAS_OWNER = {
    "Congo": "COG",          # UNTERM/UNTC "Congo" = Republic of the Congo
    "the Congo": "COG",
    "Guinea": "GIN",
    "Georgia": "GEO",
    "Dominica": "DMA",
    "Niger": "NER",
    "Samoa": "WSM",
    "Sudan": "SDN",
    "Macedonia": "MKD",
    "Yugoslavia": "YUG",
    "Republic of China": "TWN",
}

# Short all-caps tokens allowed as aliases (well-known press abbreviations).
SHORT_ALLOW = {"UK", "US", "EU", "USA", "UAE", "DRC", "GDR", "EEC", "RSA"}

# Demonyms added on top of mledoze's (adjective forms news uses).
EXTRA_DEMONYMS = {
    "GBR": ["British", "Briton"], "USA": ["American"],
    "NLD": ["Dutch"], "CHE": ["Swiss"], "ARE": ["Emirati"], "CZE": ["Czech"],
    "TUR": ["Turkish"], "CHN": ["Chinese"], "FRA": ["French"],
    "DEU": ["German"], "RUS": ["Russian"], "SAU": ["Saudi", "Saudi Arabian"],
    "THA": ["Thai"], "TGO": ["Togolese"], "LAO": ["Lao", "Laotian"],
    # (nouns that are ordinary words or first names - Pole, Finn, Dane, Turk,
    # Swede - are deliberately not added)
    "DNK": ["Danish"], "SWE": ["Swedish"], "FIN": ["Finnish"],
    "POL": ["Polish"], "ESP": ["Spanish", "Spaniard"], "ISL": ["Icelandic"],
    "IRL": ["Irish"], "PHL": ["Philippine", "Filipino"], "KGZ": ["Kyrgyz"],
    "TJK": ["Tajik", "Tajikistani"], "UZB": ["Uzbek"], "KAZ": ["Kazakh"],
    "TKM": ["Turkmen"], "MDV": ["Maldivian"], "CPV": ["Cape Verdean", "Cabo Verdean"],
    "ECU": ["Ecuadorian"], "SVN": ["Slovenian"], "SVK": ["Slovakian"],
    "BIH": ["Bosnian"], "DJI": ["Djiboutian"], "NZL": ["New Zealander"],
    "PRK": ["North Korean"], "KOR": ["South Korean"], "BLR": ["Belarusian"],
    "VNM": ["Vietnamese"], "GRC": ["Greek", "Hellenic"], "ISR": ["Israeli"],
    "PSE": ["Palestinian"], "VAT": ["Vatican"], "KNA": ["Kittitian", "Nevisian"],
    "XKX": ["Kosovar", "Kosovan"], "EUU": [],
    "SUN": ["Soviet"], "YUG": ["Yugoslav", "Yugoslavian"], "CSK": ["Czechoslovak"],
    "DDR": ["East German"], "YMD": ["South Yemeni"], "SCG": [],
}

# Demonyms dropped everywhere as ambiguous.
DROP_DEMONYMS = {
    "Congolese": "COD and COG",
    "Dominican": "DMA and DOM",
    "Guinean": "GIN, but also used for GNB/GNQ people and inside 'Papua New Guinean'",
    "Korean": "KOR and PRK",
    "Virgin Islander": "VGB and VIR",
    "Channel Islander": "GGY and JEY",
    "American Islander": "UMI; not a real demonym",
    "Gibraltar": "same as the name",
    "Djibouti": "same as the name",
    "Tadzhik": "dated transliteration; 'Tajik' added",
    "Kirghiz": "dated transliteration; 'Kyrgyz' added",
    "Maldivan": "misspelling; 'Maldivian' added",
    "Cape Verdian": "misspelling; 'Cape Verdean' added",
    "Ecuadorean": "variant spelling; 'Ecuadorian' added",
}

# Historical states (ISO 3166-3 entries that were states and no longer exist).
# iso2 = former alpha-2 (first two letters of the ISO 3166-3 alpha-4). CS was
# assigned to both Czechoslovakia (to 1993) and Serbia and Montenegro
# (2003-2006): left empty on both to keep iso2 unique. YUG numeric: 890 was the
# SFRY code (891 was later used for FR Yugoslavia and SCG) - 890 keeps numeric
# unique. Other ISO 3166-3 entries are old names of current states (aliases
# above: BUR, BYS, DHY, HVO, TMP, VDR, ZAR) or non-state territories (skipped).
HISTORICAL = {
    "SUN": dict(iso2="SU", numeric="810", name="Soviet Union",
                formal_name="Union of Soviet Socialist Republics"),
    "YUG": dict(iso2="YU", numeric="890", name="Yugoslavia",
                formal_name="Socialist Federal Republic of Yugoslavia"),
    "CSK": dict(iso2="", numeric="200", name="Czechoslovakia",
                formal_name="Czechoslovak Socialist Republic"),
    "DDR": dict(iso2="DD", numeric="278", name="German Democratic Republic",
                formal_name="German Democratic Republic"),
    "SCG": dict(iso2="", numeric="891", name="Serbia and Montenegro",
                formal_name="Serbia and Montenegro"),
    "YMD": dict(iso2="YD", numeric="720", name="Democratic Yemen",
                formal_name="People's Democratic Republic of Yemen"),
}
ISO3166_3_AS_ALIAS = {"BUR": "MMR", "BYS": "BLR", "DHY": "BEN", "HVO": "BFA",
                      "TMP": "TLS", "VDR": "VNM", "ZAR": "COD"}
ISO3166_3_SKIPPED = {"AFI", "ANT", "ATB", "ATF", "ATN", "CTE", "FXX", "GEL", "JTN",
                     "MID", "NHB", "NTZ", "PCI", "PCZ", "PUS", "RHO", "SKM", "WAK"}

# International organisations that appear as participants in the UNTC tables.
# EUU is the widely used (World Bank / UN Comtrade) code. The others have no
# ISO code: they get project-assigned codes from the ISO 3166-1 user-assigned
# range X?? (XK*, XX* avoided). Only their UNTC names are listed - no acronyms
# such as "UN"/"WHO"/"ILO", which would be matched in ordinary text.
ORGANISATIONS = [
    ("EUU", "EU", "European Union", "European Union"),
    ("XAN", "", "Andean Community", "Andean Community"),
    ("XCC", "", "Caribbean Community", "Caribbean Community"),
    ("XCO", "", "Common Market for Eastern and Southern Africa",
     "Common Market for Eastern and Southern Africa"),
    ("XCE", "", "Council of Europe", "Council of Europe"),
    ("XCT", "", "Preparatory Commission for the Comprehensive Nuclear-Test-Ban Treaty Organization",
     "Preparatory Commission for the Comprehensive Nuclear-Test-Ban Treaty Organization"),
    ("XDC", "", "Southern African Development Community", "Southern African Development Community"),
    ("XEA", "", "East African Community", "East African Community"),
    ("XEC", "", "Economic Community of West African States",
     "Economic Community of West African States"),
    ("XEE", "", "Eurasian Economic Community", "Eurasian Economic Community"),
    ("XFA", "", "Food and Agriculture Organization of the United Nations",
     "Food and Agriculture Organization of the United Nations"),
    ("XIA", "", "International Atomic Energy Agency", "International Atomic Energy Agency"),
    ("XIC", "", "International Civil Aviation Organization",
     "International Civil Aviation Organization"),
    ("XIL", "", "International Labour Organisation", "International Labour Organisation"),
    ("XIM", "", "International Maritime Organization", "International Maritime Organization"),
    ("XIT", "", "International Telecommunication Union", "International Telecommunication Union"),
    ("XOA", "", "Organization of African Unity", "Organization of African Unity"),
    ("XOP", "", "Organisation for the Prohibition of Chemical Weapons",
     "Organisation for the Prohibition of Chemical Weapons"),
    ("XPO", "", "International Criminal Police Organization",
     "International Criminal Police Organization"),
    ("XUE", "", "United Nations Educational Scientific and Cultural Organization",
     "United Nations Educational, Scientific and Cultural Organization"),
    ("XUI", "", "United Nations Industrial Development Organization",
     "United Nations Industrial Development Organization"),
    ("XUN", "", "United Nations", "United Nations"),
    ("XUP", "", "Universal Postal Union", "Universal Postal Union"),
    ("XWA", "", "West African Economic and Monetary Union",
     "West African Economic and Monetary Union"),
    ("XWH", "", "World Health Organization", "World Health Organization"),
    ("XWI", "", "World Intellectual Property Organization",
     "World Intellectual Property Organization"),
    ("XWM", "", "World Meteorological Organization", "World Meteorological Organization"),
]

# Kind overrides. Default: ISO is_independent == "Yes" -> sovereign, else territory.
KIND_OVERRIDES = {
    "PSE": "sovereign",   # UN observer State; ISO file says "In contention"
    "XKX": "sovereign",
}

# --- COW / GW codes -------------------------------------------------------
# Codes are matched by name (COW/GW name -> row name/alias, case-insensitive,
# "&" read as "and"). The tables below handle what name matching cannot.
# Continuity coding: COW 365 and GW 365 cover both Russia and the USSR, so SUN
# and RUS both carry 365. COW 345 "Yugoslavia" runs to 2016 (Serbia), so YUG,
# SCG and SRB carry COW 345; GW 345 ends 2006-06-04 (YUG, SCG) and GW 340 is
# Serbia from 2006. COW 255 is Germany before 1945 and after 1990 (DEU);
# GW 260 is (West) Germany continuing after 1990 (DEU).
COW_EXPLICIT = {   # cow_code -> iso3 (list for continuity codes)
    200: ["GBR"], 255: ["DEU"], 345: ["YUG", "SCG", "SRB"], 365: ["RUS", "SUN"],
    315: ["CSK"], 265: ["DDR"], 680: ["YMD"], 679: ["YEM"],
    316: ["CZE"], 710: ["CHN"], 713: ["TWN"], 860: ["TLS"],
}
COW_SKIP = {   # not a current ISO state or superseded spell (cow_code: reason)
    240: "Hanover", 245: "Bavaria", 260: "German Federal Republic 1955-1990 (DEU uses 255)",
    267: "Baden", 269: "Saxony", 271: "Wuerttemberg", 273: "Hesse Electoral",
    275: "Hesse Grand Ducal", 280: "Mecklenburg Schwerin", 300: "Austria-Hungary",
    327: "Papal States", 329: "Two Sicilies", 332: "Modena", 335: "Parma",
    337: "Tuscany", 511: "Zanzibar", 678: "Yemen Arab Republic (YEM uses 679)",
    730: "Korea (to 1905)", 817: "Republic of Vietnam",
}
GW_EXPLICIT = {
    260: ["DEU"], 265: ["DDR"], 345: ["YUG", "SCG"], 340: ["SRB"],
    365: ["RUS", "SUN"], 315: ["CSK"], 325: ["ITA"], 640: ["TUR"], 630: ["IRN"],
    678: ["YEM"], 680: ["YMD"], 731: ["PRK"], 732: ["KOR"], 816: ["VNM"],
    490: ["COD"], 510: ["TZA"], 552: ["ZWE"], 580: ["MDG"], 439: ["BFA"],
    775: ["MMR"], 780: ["LKA"], 811: ["KHM"], 115: ["SUR"], 370: ["BLR"],
    990: ["WSM"], 343: ["MKD"], 437: ["CIV"], 970: ["KIR"], 971: ["NRU"],
    972: ["TON"], 973: ["TUV"], 710: ["CHN"], 713: ["TWN"], 860: ["TLS"],
    316: ["CZE"],
}
GW_SKIP = {
    89: "United Provinces of Central America", 99: "Great Colombia", 240: "Hanover",
    245: "Bavaria", 255: "Germany (Prussia) to 1945 (DEU uses 260)", 267: "Baden",
    269: "Saxony", 271: "Wurttemberg", 273: "Hesse-Kassel", 275: "Hesse-Darmstadt",
    280: "Mecklenburg-Schwerin", 300: "Austria-Hungary", 327: "Papal States",
    329: "Two Sicilies", 332: "Modena", 335: "Parma", 337: "Tuscany",
    396: "Abkhazia", 397: "South Ossetia", 511: "Zanzibar", 563: "Transvaal",
    564: "Orange Free State", 711: "Tibet", 730: "Korea (to 1910)",
    815: "Vietnam (Annam/Cochin China/Tonkin)", 817: "Republic of Vietnam",
}

# ---------------------------------------------------------------------------


def read_csv(path):
    # keep_default_na is a pandas concept; the csv module never turns "NA" into null.
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def clean(s):
    s = unicodedata.normalize("NFC", (s or "").strip())
    s = re.sub(r"\s*\*+$", "", s)          # UNTERM footnote stars
    return re.sub(r"\s+", " ", s)


def strip_the(s):
    return s[4:] if s.startswith("the ") else s


def untc_short(s):
    """'Netherlands (the)' -> ('Netherlands', True)."""
    s = clean(s)
    if s.endswith(" (the)"):
        return s[:-6], True
    return s, False


def key(s):
    return clean(s).casefold()


def alias_ok(a):
    """Return None if acceptable, else a reason string."""
    if not a:
        return "empty"
    if a in DROP_ALIASES:
        return DROP_ALIASES[a]
    letters = [c for c in a if c.isalpha()]
    if len(a) <= 3 and a.upper() == a and a not in SHORT_ALLOW:
        return "bare short code"
    if len(letters) <= 3 and a not in SHORT_ALLOW and "." not in a:
        return "too short"
    if letters and letters[0].islower() and not (
            a.startswith("the ") and any(c.isupper() for c in a)):
        return "lowercase word / transcription"
    return None


class Row:
    def __init__(self, iso3, iso2="", numeric="", name="", formal_name="", kind=""):
        self.iso3, self.iso2, self.numeric = iso3, iso2, numeric
        self.name, self.formal_name, self.kind = name, formal_name, kind
        self.cow, self.gw = "", ""
        self.aliases = []      # ordered, deduped case-insensitively
        self.demonyms = []
        self.dropped = []

    def add_alias(self, a, src=""):
        a = clean(a)
        if not a:
            return
        variants = [a]
        if "\u2019" in a:
            variants.append(a.replace("\u2019", "'"))
        if " - " in a:                         # CLDR "Congo - Kinshasa"
            variants = [v.replace(" - ", "-") for v in variants]
        for v in variants:
            why = alias_ok(v)
            if why:
                self.dropped.append((v, why))
                if v in ("Saudi", "Thai", "Togolese", "Lao"):
                    self.add_demonym(v)
                continue
            # exact (case-sensitive) de-duplication inside a row: the extractor
            # matches case-sensitively, so "the Gambia" and "The Gambia" both help.
            if v in [self.name, self.formal_name] + self.aliases:
                continue
            self.aliases.append(v)
            # Saint <-> St. variants for the Caribbean / French territories
            if v.startswith("Saint "):
                self.add_alias("St. " + v[6:])
            elif v.startswith("St. "):
                self.add_alias("Saint " + v[4:])

    def add_demonym(self, d):
        for part in re.split(r",\s*|\s+or\s+", clean(d)):
            part = part.strip()
            if part and part not in self.demonyms:
                self.demonyms.append(part)

    def all_names(self):
        return [self.name, self.formal_name] + self.aliases


def build(shared):
    iso = read_csv(shared / "countries_iso3166.csv")
    mle = {r["iso_alpha3"]: r for r in read_csv(shared / "countries_names_demonyms.csv")}
    iso3_3 = {r["alpha3"]: r for r in read_csv(shared / "iso3166_3_formerly_used.csv")}
    if "UNK" in mle:                       # mledoze codes Kosovo as UNK/XK
        mle["XKX"] = mle.pop("UNK")

    rows = OrderedDict()
    for r in iso:
        a3 = r["iso_alpha3"]
        short, had_the = untc_short(r["unterm_en_short"])
        name = NAME_OVERRIDES.get(a3) or short or clean(r["iso_name_en"])
        m = mle.get(a3, {})
        formal = (FORMAL_OVERRIDES.get(a3) or strip_the(clean(r["unterm_en_formal"]))
                  or clean(m.get("name_official")) or name)
        kind = KIND_OVERRIDES.get(a3) or (
            "sovereign" if r["is_independent"].strip() == "Yes" else "territory")
        row = Row(a3, r["iso_alpha2"], r["iso_numeric"].zfill(3) if r["iso_numeric"] else "",
                  name, formal, kind)
        row.add_alias(clean(r["iso_name_en"]))
        if short:
            row.add_alias(short)
            if had_the:
                row.add_alias("the " + short)
        row.add_alias(clean(r["cldr_name_en"]))
        if m:
            row.add_alias(m["name_common"])
            row.add_alias(m["name_official"])
            for a in m["alt_spellings"].split("|"):
                row.add_alias(a)
        rows[a3] = row

    # Kosovo (not in ISO 3166-1)
    m = mle["XKX"]
    rows["XKX"] = Row("XKX", "XK", "", "Kosovo", "Republic of Kosovo", "sovereign")
    for a in [m["name_common"], m["name_official"]] + m["alt_spellings"].split("|"):
        rows["XKX"].add_alias(a)

    # historical states
    for a3, h in HISTORICAL.items():
        assert a3 in iso3_3, a3
        rows[a3] = Row(a3, h["iso2"], h["numeric"], h["name"], h["formal_name"], "historical")
    for a3, target in ISO3166_3_AS_ALIAS.items():
        assert a3 in iso3_3 and target in rows, a3
    missing = set(iso3_3) - set(HISTORICAL) - set(ISO3166_3_AS_ALIAS) - ISO3166_3_SKIPPED
    if missing:
        sys.exit(f"ERROR: ISO 3166-3 entries not classified: {sorted(missing)}")

    # organisations
    for a3, a2, name, formal in ORGANISATIONS:
        rows[a3] = Row(a3, a2, "", name, formal, "organisation")

    # curated aliases and demonyms
    for a3, extra in EXTRA_ALIASES.items():
        for a in extra:
            rows[a3].add_alias(a)
    for a3, row in rows.items():
        m = mle.get(a3)
        if m and row.kind != "historical":
            row.add_demonym(m["demonym_en_m"])
            row.add_demonym(m["demonym_en_f"])
        for d in EXTRA_DEMONYMS.get(a3, []):
            row.add_demonym(d)
    return rows


def resolve_conflicts(rows):
    """Aliases: a string may belong to one row only. Demonyms: shared ones go
    to the single sovereign row if there is exactly one, else are dropped."""
    problems = []
    owner = defaultdict(set)
    for a3, r in rows.items():
        for s in r.all_names():
            owner[key(s)].add(a3)
    forced = {key(k): v for k, v in ALIAS_OWNER.items()}
    for k, owners in sorted(owner.items()):
        if len(owners) < 2:
            continue
        keep = forced.get(k)
        if keep in owners:
            for a3 in sorted(owners - {keep}):
                r = rows[a3]
                if k in (key(r.name), key(r.formal_name)):
                    problems.append(f"{k!r} is the name of {a3}, cannot give it to {keep}")
                r.aliases = [a for a in r.aliases if key(a) != k]
            print(f"  alias conflict: {k!r} {sorted(owners)} -> kept on {keep} (ALIAS_OWNER)")
        else:
            problems.append(f"alias {k!r} shared by {sorted(owners)}: "
                            f"add it to ALIAS_OWNER or DROP_ALIASES")

    # demonyms
    dem = defaultdict(set)
    for a3, r in rows.items():
        r.demonyms = [d for d in r.demonyms if d not in DROP_DEMONYMS
                      and key(d) not in {key(x) for x in r.all_names()}]
        for d in r.demonyms:
            dem[d.casefold()].add(a3)
    for d, owners in sorted(dem.items()):
        if len(owners) > 1:
            sov = [a3 for a3 in owners if rows[a3].kind == "sovereign"]
            keep = sov[0] if len(sov) == 1 else None
            for a3 in owners:
                if a3 != keep:
                    rows[a3].demonyms = [x for x in rows[a3].demonyms if x.casefold() != d]
            print(f"  demonym conflict: {d!r} {sorted(owners)} -> "
                  f"{'kept on ' + keep if keep else 'dropped from all'}")
    return problems


def assign_codes(rows, shared):
    cow = read_csv(shared / "cow_states2016.csv")
    gw = read_csv(shared / "gw_states.csv")
    index = {}
    for a3, r in rows.items():
        if r.kind == "organisation":
            continue
        for s in r.all_names():
            index[key(s.replace("&", "and"))] = a3
    problems = []

    def run(data, code_col, name_col, explicit, skip, attr, label):
        byrow = defaultdict(set)
        seen = set()
        for rec in data:
            code = int(rec[code_col])
            if code in seen:
                continue
            seen.add(code)
            if code in skip:
                continue
            if code in explicit:
                targets = explicit[code]
            else:
                t = index.get(key(rec[name_col].replace("&", "and")))
                if not t:
                    problems.append(f"{label} {code} {rec[name_col]!r}: no row matches; "
                                    f"add to {label}_EXPLICIT or {label}_SKIP")
                    continue
                targets = [t]
            for t in targets:
                byrow[t].add(code)
        for a3, codes in sorted(byrow.items()):
            if len(codes) > 1:
                problems.append(f"{label}: {a3} matched several codes {sorted(codes)}")
            setattr(rows[a3], attr, str(min(codes)))

    run(cow, "cow_code", "cow_name", COW_EXPLICIT, COW_SKIP, "cow", "COW")
    run(gw, "gw_code", "gw_name", GW_EXPLICIT, GW_SKIP, "gw", "GW")
    return problems


def check_aliases(rows):
    problems = []
    owner = defaultdict(set)
    for a3, r in rows.items():
        for s in r.all_names():
            owner[key(s)].add(a3)
        for a in r.aliases:
            why = alias_ok(a)
            if why:
                problems.append(f"{a3}: bad alias {a!r} ({why})")
            if "|" in a:
                problems.append(f"{a3}: alias contains '|': {a!r}")
    for k, owners in owner.items():
        if len(owners) > 1:
            problems.append(f"name/alias {k!r} shared by {sorted(owners)}")
    iso2 = Counter(r.iso2 for r in rows.values() if r.iso2)
    num = Counter(r.numeric for r in rows.values() if r.numeric)
    problems += [f"iso2 {c} not unique" for c, n in iso2.items() if n > 1]
    problems += [f"numeric {c} not unique" for c, n in num.items() if n > 1]
    return problems


def rust_fold(s):
    """Mirror of catalogue::fold in src/ledger/catalogue.rs (lower-case, drop a
    leading "the "): the ledger resolves user input through this form."""
    low = s.strip().lower()
    return low[4:].strip() if low.startswith("the ") else low


def check_folded(rows):
    """Codes, names, aliases and demonyms of different rows must not fold to the
    same string (state_name.folded is how the ledger resolves input)."""
    owner = defaultdict(set)
    for a3, r in rows.items():
        for s in [r.iso3, r.iso2] + r.all_names() + r.demonyms:
            if s:
                owner[rust_fold(s)].add(a3)
    return [f"folded form {k!r} shared by {sorted(v)}" for k, v in sorted(owner.items())
            if len(v) > 1]


def check_participants(rows, shared):
    index = defaultdict(set)
    for a3, r in rows.items():
        for s in r.all_names():
            index[key(s)].add(a3)
    problems = []
    for fname in ["untc_2026_participants.csv", "untc_2013_2015_participants.csv"]:
        names = sorted({p["participant"].strip() for p in read_csv(shared / fname)})
        ok = 0
        for n in names:
            hits = index.get(key(n), set())
            if len(hits) == 1:
                ok += 1
            else:
                problems.append(f"{fname}: {n!r} resolves to {sorted(hits) or 'nothing'}")
        print(f"{fname}: {len(names)} distinct participant names, {ok} resolve to exactly one row")
    return problems


def render(rows):
    buf = io.StringIO()
    w = csv.writer(buf, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    w.writerow(COLUMNS)
    for a3 in sorted(rows):
        r = rows[a3]
        aliases = [a for a in r.aliases if key(a) not in (key(r.name), key(r.formal_name))]
        w.writerow([r.iso3, r.iso2, r.numeric, r.name, r.formal_name, r.kind,
                    r.cow, r.gw, "|".join(aliases), "|".join(r.demonyms)])
    return buf.getvalue()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("shared", nargs="?", default=str(DEFAULT_SHARED))
    ap.add_argument("--out", default=str(DEFAULT_OUT))
    ap.add_argument("-v", "--verbose", action="store_true", help="list dropped aliases")
    args = ap.parse_args()
    shared = Path(args.shared)

    rows = build(shared)
    print("conflict resolution:")
    problems = resolve_conflicts(rows)
    problems += assign_codes(rows, shared)
    problems += check_aliases(rows)
    problems += check_folded(rows)
    problems += check_participants(rows, shared)

    if args.verbose:
        for a3, r in rows.items():
            for a, why in r.dropped:
                print(f"  dropped {a3}: {a!r} ({why})")

    kinds = Counter(r.kind for r in rows.values())
    print(f"rows: {len(rows)}  " + "  ".join(f"{k}={kinds[k]}" for k in sorted(kinds)))
    print(f"with cow_code: {sum(1 for r in rows.values() if r.cow)}  "
          f"with gw_code: {sum(1 for r in rows.values() if r.gw)}")
    sov = [r for r in rows.values() if r.kind == "sovereign"]
    print(f"sovereign without cow_code: {sorted(r.iso3 for r in sov if not r.cow)}")
    print(f"sovereign without gw_code: {sorted(r.iso3 for r in sov if not r.gw)}")

    if problems:
        print(f"\nFAILED: {len(problems)} problem(s)", file=sys.stderr)
        for p in problems:
            print("  " + p, file=sys.stderr)
        sys.exit(1)

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8", newline="") as f:
        f.write(render(rows))
    print(f"wrote {out} ({len(rows)} rows)")


if __name__ == "__main__":
    main()
