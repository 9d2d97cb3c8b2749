#!/usr/bin/env python3
"""Build data/instruments.csv: the reference list of treaties (instruments) that
treaty-ledger recognises.

Deterministic, Python 3 standard library only.

    python3 tools/build_instruments.py [SHARED_DATA_DIR] [-o OUTPUT]

SHARED_DATA_DIR defaults to ../shared/data relative to the repository root
(the directory above tools/). It must contain:
  - untc_2026_treaties.csv      (30 UNTC status pages, status as at 3 Feb 2026)
  - untc_mtdsg_index_2015.csv   (401-row MTDSG index, March 2015)

Rows written:
  1. UNTC-<mtdsg_no>: union of the two files (2026 data preferred), plus the
     hand-curated post-2015 UN treaties in UN_EXTRA, plus the field overrides
     in UN_OVERRIDES (each checked against a public source, see
     data/SOURCES.md, section instruments.csv).
  2. CETS-<n>: the hand-curated Council of Europe treaties in COE.
Aliases and short titles come from ALIASES / SHORT_TITLES below.

The script fails loudly (non-zero exit) on: duplicate id, duplicate alias
(case-insensitive, across instruments, or an alias equal to another
instrument's title/short title), empty title, generic alias, or a date that is
not a valid ISO YYYY-MM-DD.
"""

import argparse
import csv
import datetime
import os
import re
import sys

COLUMNS = ["id", "title", "short_title", "aliases", "depositary",
           "adopted", "opened", "in_force", "url"]

UN_SG = "Secretary-General of the United Nations"
COE_SG = "Secretary General of the Council of Europe"
COE_URL = ("https://www.coe.int/en/web/conventions/full-list"
           "?module=treaty-detail&treatynum={n}")
UNTC_URL = ("https://treaties.un.org/Pages/ViewDetails.aspx?src=TREATY"
            "&mtdsg_no={no}&chapter={ch}&clang=_en")

# ---------------------------------------------------------------------------
# Hand-curated: UN treaties (MTDSG) missing from the 2015 index.
# Every field below was checked against a public source; empty = not verified.
# ---------------------------------------------------------------------------
UN_EXTRA = [
    # mtdsg_no, title, adopted, opened, in_force
    ("XXVII-7-d", "Paris Agreement",
     "2015-12-12", "2016-04-22", "2016-11-04"),
    ("XXVII-2-f", "Amendment to the Montreal Protocol on Substances that "
     "Deplete the Ozone Layer",
     "2016-10-15", "", "2019-01-01"),
    ("XXVII-18", "Regional Agreement on Access to Information, Public "
     "Participation and Justice in Environmental Matters in Latin America and "
     "the Caribbean",
     "2018-03-04", "2018-09-27", "2021-04-22"),
    ("XXI-10", "Agreement under the United Nations Convention on the Law of "
     "the Sea on the Conservation and Sustainable Use of Marine Biological "
     "Diversity of Areas beyond National Jurisdiction",
     "2023-06-19", "2023-09-20", "2026-01-17"),
    ("XXII-4", "United Nations Convention on International Settlement "
     "Agreements Resulting from Mediation",
     "2018-12-20", "2019-08-07", "2020-09-12"),
    ("XVIII-16", "United Nations Convention against Cybercrime; Strengthening "
     "International Cooperation for Combating Certain Crimes Committed by "
     "Means of Information and Communications Technology Systems and for the "
     "Sharing of Evidence in Electronic Form of Serious Crimes",
     "2024-12-24", "2025-10-25", ""),
]

# Field overrides for rows that come from the shared files (verified, see
# SOURCES). A value of None means "set this field empty".
UN_OVERRIDES = {
    # ICERD: UNTC's "New York, 7 March 1966" is the opening for signature
    # (shared SOURCES.md), not the adoption.
    "IV-2": {"adopted": None, "opened": "1966-03-07"},
    # UNCLOS: 10 December 1982 is the opening for signature at Montego Bay;
    # the adoption date was not verified.
    "XXI-6": {"adopted": None, "opened": "1982-12-10", "in_force": "1994-11-16"},
    "XVIII-10": {"in_force": "2002-07-01"},   # Rome Statute
    "XXVII-17": {"in_force": "2017-08-16"},   # Minamata Convention
    # The index failed to split "International Coffee Agreement, 1994*. London".
    "XIX-40": {"title": "International Coffee Agreement, 1994"},
}

# ---------------------------------------------------------------------------
# Hand-curated: Council of Europe Treaty Series (ETS 1-193, CETS 194-).
# n, official English title, opened (signature), in_force. Empty = not verified
# (or not in force).
# ---------------------------------------------------------------------------
COE = [
    (5, "Convention for the Protection of Human Rights and Fundamental Freedoms",
     "1950-11-04", "1953-09-03"),
    (9, "Protocol to the Convention for the Protection of Human Rights and "
     "Fundamental Freedoms", "1952-03-20", "1954-05-18"),
    (24, "European Convention on Extradition", "1957-12-13", "1960-04-18"),
    (30, "European Convention on Mutual Assistance in Criminal Matters",
     "1959-04-20", "1962-06-12"),
    (35, "European Social Charter", "1961-10-18", "1965-02-26"),
    (90, "European Convention on the Suppression of Terrorism",
     "1977-01-27", "1978-08-04"),
    (108, "Convention for the Protection of Individuals with regard to "
     "Automatic Processing of Personal Data", "1981-01-28", "1985-10-01"),
    (112, "Convention on the Transfer of Sentenced Persons",
     "1983-03-21", "1985-07-01"),
    (114, "Protocol No. 6 to the Convention for the Protection of Human Rights "
     "and Fundamental Freedoms concerning the Abolition of the Death Penalty",
     "1983-04-28", "1985-03-01"),
    (126, "European Convention for the Prevention of Torture and Inhuman or "
     "Degrading Treatment or Punishment", "1987-11-26", "1989-02-01"),
    (141, "Convention on Laundering, Search, Seizure and Confiscation of the "
     "Proceeds from Crime", "1990-11-08", "1993-09-01"),
    (148, "European Charter for Regional or Minority Languages",
     "1992-11-05", "1998-03-01"),
    (157, "Framework Convention for the Protection of National Minorities",
     "1995-02-01", "1998-02-01"),
    (163, "European Social Charter (revised)", "1996-05-03", "1999-07-01"),
    (164, "Convention for the Protection of Human Rights and Dignity of the "
     "Human Being with regard to the Application of Biology and Medicine: "
     "Convention on Human Rights and Biomedicine", "1997-04-04", "1999-12-01"),
    (173, "Criminal Law Convention on Corruption", "1999-01-27", "2002-07-01"),
    (174, "Civil Law Convention on Corruption", "1999-11-04", "2003-11-01"),
    (176, "European Landscape Convention", "2000-10-20", "2004-03-01"),
    (185, "Convention on Cybercrime", "2001-11-23", "2004-07-01"),
    (187, "Protocol No. 13 to the Convention for the Protection of Human Rights "
     "and Fundamental Freedoms, concerning the abolition of the death penalty "
     "in all circumstances", "2002-05-03", "2003-07-01"),
    (189, "Additional Protocol to the Convention on Cybercrime, concerning the "
     "criminalisation of acts of a racist and xenophobic nature committed "
     "through computer systems", "2003-01-28", "2006-03-01"),
    (194, "Protocol No. 14 to the Convention for the Protection of Human Rights "
     "and Fundamental Freedoms, amending the control system of the Convention",
     "2004-05-13", "2010-06-01"),
    (196, "Council of Europe Convention on the Prevention of Terrorism",
     "2005-05-16", "2007-06-01"),
    (197, "Council of Europe Convention on Action against Trafficking in Human "
     "Beings", "2005-05-16", "2008-02-01"),
    (198, "Council of Europe Convention on Laundering, Search, Seizure and "
     "Confiscation of the Proceeds from Crime and on the Financing of "
     "Terrorism", "2005-05-16", "2008-05-01"),
    (201, "Council of Europe Convention on the Protection of Children against "
     "Sexual Exploitation and Sexual Abuse", "2007-10-25", "2010-07-01"),
    (210, "Council of Europe Convention on preventing and combating violence "
     "against women and domestic violence", "2011-05-11", "2014-08-01"),
    (211, "Council of Europe Convention on the counterfeiting of medical "
     "products and similar crimes involving threats to public health",
     "2011-10-28", "2016-01-01"),
    (213, "Protocol No. 15 amending the Convention for the Protection of Human "
     "Rights and Fundamental Freedoms", "2013-06-24", "2021-08-01"),
    (214, "Protocol No. 16 to the Convention on the Protection of Human Rights "
     "and Fundamental Freedoms", "2013-10-02", "2018-08-01"),
    (215, "Council of Europe Convention on the Manipulation of Sports "
     "Competitions", "2014-09-18", "2019-09-01"),
    (216, "Council of Europe Convention against Trafficking in Human Organs",
     "2015-03-25", "2018-03-01"),
    (217, "Additional Protocol to the Council of Europe Convention on the "
     "Prevention of Terrorism", "2015-10-22", "2017-07-01"),
    (218, "Council of Europe Convention on an Integrated Safety, Security and "
     "Service Approach at Football Matches and Other Sports Events",
     "2016-07-03", ""),
    (221, "Council of Europe Convention on Offences relating to Cultural "
     "Property", "2017-05-19", "2022-04-01"),
    (222, "Protocol amending the Additional Protocol to the Convention on the "
     "Transfer of Sentenced Persons", "2017-11-22", ""),
    (223, "Protocol amending the Convention for the Protection of Individuals "
     "with regard to Automatic Processing of Personal Data", "2018-10-10", ""),
    (224, "Second Additional Protocol to the Convention on Cybercrime on "
     "enhanced co-operation and disclosure of electronic evidence",
     "2022-05-12", ""),
    (225, "Council of Europe Framework Convention on Artificial Intelligence "
     "and Human Rights, Democracy and the Rule of Law", "2024-09-05", ""),
]

# ---------------------------------------------------------------------------
# Short titles and aliases (names the press uses). Aliases are matched
# case-sensitively as literal strings by the extractor, so each must name
# exactly one instrument. Keyed by output id.
# ---------------------------------------------------------------------------
SHORT_TITLES = {
    "UNTC-I-1": "Charter of the United Nations",
    "UNTC-I-3": "Statute of the International Court of Justice",
    "UNTC-IV-1": "Genocide Convention",
    "UNTC-V-2": "Refugee Convention",
    "UNTC-V-5": "1967 Protocol relating to the Status of Refugees",
    "UNTC-XI-A-16": "TIR Convention",
    "UNTC-XIX-48": "Food Assistance Convention",
    "UNTC-XVIII-10": "Rome Statute",
    "UNTC-XVIII-12": "Palermo Convention",
    "UNTC-XVIII-12-a": "Trafficking in Persons Protocol",
    "UNTC-XVIII-16": "United Nations Convention against Cybercrime",
    "UNTC-XXI-10": "BBNJ Agreement",
    "UNTC-XXII-1": "New York Convention",
    "UNTC-XXII-4": "Singapore Convention on Mediation",
    "UNTC-XXVI-5": "Anti-Personnel Mine Ban Convention",
    "UNTC-XXVII-2-f": "Kigali Amendment",
    "UNTC-XXVII-3": "Basel Convention",
    "UNTC-XXVII-4": "Espoo Convention",
    "UNTC-XXVII-13": "Aarhus Convention",
    "UNTC-XXVII-14": "Rotterdam Convention",
    "UNTC-XXVII-8-a": "Cartagena Protocol",
    "UNTC-XXVII-8-b": "Nagoya Protocol",
    "UNTC-XXVII-18": "Escazú Agreement",
    "CETS-5": "European Convention on Human Rights",
    "CETS-9": "Protocol No. 1 to the European Convention on Human Rights",
    "CETS-108": "Convention 108",
    "CETS-114": "Protocol No. 6 to the European Convention on Human Rights",
    "CETS-126": "European Convention for the Prevention of Torture",
    "CETS-163": "Revised European Social Charter",
    "CETS-164": "Oviedo Convention",
    "CETS-185": "Budapest Convention",
    "CETS-187": "Protocol No. 13 to the European Convention on Human Rights",
    "CETS-189": "First Additional Protocol to the Convention on Cybercrime",
    "CETS-194": "Protocol No. 14 to the European Convention on Human Rights",
    "CETS-197": "Council of Europe Anti-Trafficking Convention",
    "CETS-201": "Lanzarote Convention",
    "CETS-210": "Istanbul Convention",
    "CETS-211": "MEDICRIME Convention",
    "CETS-213": "Protocol No. 15 to the European Convention on Human Rights",
    "CETS-214": "Protocol No. 16 to the European Convention on Human Rights",
    "CETS-215": "Macolin Convention",
    "CETS-216": "Convention against Trafficking in Human Organs",
    "CETS-218": "Saint-Denis Convention",
    "CETS-221": "Nicosia Convention",
    "CETS-223": "Convention 108+",
    "CETS-224": "Second Additional Protocol to the Convention on Cybercrime",
    "CETS-225": "Framework Convention on Artificial Intelligence",
}

ALIASES = {
    # --- UN: Charter, human rights, refugees --------------------------------
    "UNTC-I-1": ["UN Charter", "United Nations Charter"],
    "UNTC-I-3": ["ICJ Statute"],
    "UNTC-III-3": ["Vienna Convention on Diplomatic Relations"],
    "UNTC-III-6": ["Vienna Convention on Consular Relations"],
    "UNTC-IV-1": ["Genocide Convention"],
    "UNTC-IV-2": ["ICERD",
                  "Convention on the Elimination of All Forms of Racial "
                  "Discrimination"],
    "UNTC-IV-3": ["ICESCR"],
    "UNTC-IV-3-a": ["OP-ICESCR"],
    "UNTC-IV-4": ["ICCPR"],
    "UNTC-IV-5": ["First Optional Protocol to the ICCPR",
                  "First Optional Protocol to the International Covenant on "
                  "Civil and Political Rights"],
    "UNTC-IV-12": ["Second Optional Protocol to the ICCPR",
                   "Second Optional Protocol to the International Covenant on "
                   "Civil and Political Rights"],
    "UNTC-IV-8": ["CEDAW"],
    "UNTC-IV-8-b": ["OP-CEDAW", "Optional Protocol to CEDAW"],
    "UNTC-IV-9": ["UN Convention against Torture", "Convention against Torture",
                  "UNCAT"],
    "UNTC-IV-9-b": ["OPCAT"],
    "UNTC-IV-11": ["UN Convention on the Rights of the Child", "UNCRC"],
    "UNTC-IV-13": ["ICRMW", "ICMW", "UN Migrant Workers Convention"],
    "UNTC-IV-15": ["CRPD", "UNCRPD",
                   "UN Convention on the Rights of Persons with Disabilities"],
    "UNTC-IV-15-a": ["Optional Protocol to the CRPD"],
    "UNTC-IV-16": ["ICPPED", "CPED",
                   "Convention on Enforced Disappearance"],
    "UNTC-V-2": ["Refugee Convention", "1951 Refugee Convention",
                 "1951 Convention relating to the Status of Refugees"],
    "UNTC-V-5": ["1967 Refugee Protocol"],
    "UNTC-V-3": ["1954 Statelessness Convention"],
    "UNTC-V-4": ["1961 Statelessness Convention"],
    # --- UN: drugs, crime, terrorism ---------------------------------------
    "UNTC-VI-15": ["Single Convention on Narcotic Drugs"],
    "UNTC-XVIII-5": ["Hostages Convention"],
    "UNTC-XVIII-9": ["Terrorist Bombings Convention"],
    "UNTC-XVIII-10": ["Rome Statute", "Rome Statute of the ICC", "ICC Statute"],
    "UNTC-XVIII-10-b": ["Kampala amendments on the crime of aggression"],
    "UNTC-XVIII-11": ["Terrorist Financing Convention"],
    "UNTC-XVIII-12": ["UNTOC", "Palermo Convention",
                      "UN Convention against Transnational Organized Crime"],
    "UNTC-XVIII-12-a": ["Palermo Protocol", "Trafficking in Persons Protocol",
                        "UN Trafficking Protocol"],
    "UNTC-XVIII-12-b": ["Smuggling of Migrants Protocol",
                        "Migrant Smuggling Protocol"],
    "UNTC-XVIII-12-c": ["UN Firearms Protocol"],
    "UNTC-XVIII-14": ["UNCAC", "UN Convention against Corruption"],
    "UNTC-XVIII-15": ["Nuclear Terrorism Convention", "ICSANT"],
    "UNTC-XVIII-16": ["UN Convention against Cybercrime",
                      "United Nations Convention against Cybercrime",
                      "UN Cybercrime Convention", "Hanoi Convention"],
    # --- UN: trade, law of treaties, sea, space ----------------------------
    "UNTC-X-10": ["CISG"],
    "UNTC-XI-A-16": ["TIR Convention"],
    "UNTC-XXI-6": ["UNCLOS", "Law of the Sea Convention",
                   "UN Convention on the Law of the Sea"],
    "UNTC-XXI-7": ["UN Fish Stocks Agreement"],
    "UNTC-XXI-10": ["BBNJ Agreement", "BBNJ treaty", "High Seas Treaty",
                    "Global Ocean Treaty"],
    "UNTC-XXII-1": ["New York Arbitration Convention"],
    "UNTC-XXII-3": ["Mauritius Convention on Transparency"],
    "UNTC-XXII-4": ["Singapore Convention on Mediation",
                    "Singapore Mediation Convention", "Singapore Convention"],
    "UNTC-XXIII-1": ["VCLT"],
    "UNTC-XXIV-2": ["Moon Agreement"],
    # --- UN: disarmament ---------------------------------------------------
    "UNTC-XXVI-1": ["ENMOD Convention"],
    "UNTC-XXVI-2": ["Convention on Certain Conventional Weapons"],
    "UNTC-XXVI-2-a": ["Protocol on Blinding Laser Weapons"],
    "UNTC-XXVI-2-b": ["Amended Protocol II"],
    "UNTC-XXVI-2-d": ["Protocol on Explosive Remnants of War"],
    "UNTC-XXVI-3": ["Chemical Weapons Convention", "CWC"],
    "UNTC-XXVI-4": ["CTBT", "Comprehensive Test Ban Treaty"],
    "UNTC-XXVI-5": ["Ottawa Treaty", "Ottawa Convention", "Mine Ban Treaty",
                    "Anti-Personnel Mine Ban Convention"],
    "UNTC-XXVI-6": ["Cluster Munitions Convention"],
    "UNTC-XXVI-9": ["TPNW", "Nuclear Weapons Ban Treaty",
                    "Treaty on the Prohibition of Nuclear Weapons"],
    # --- UN: health, environment -------------------------------------------
    "UNTC-IX-1": ["WHO Constitution"],
    "UNTC-IX-4": ["WHO FCTC", "FCTC",
                  "Framework Convention on Tobacco Control"],
    "UNTC-XXVII-1": ["CLRTAP"],
    "UNTC-XXVII-1-h": ["Gothenburg Protocol"],
    "UNTC-XXVII-2": ["Vienna Convention for the Protection of the Ozone Layer"],
    "UNTC-XXVII-2-a": ["Montreal Protocol"],
    "UNTC-XXVII-2-b": ["London Amendment to the Montreal Protocol"],
    "UNTC-XXVII-2-c": ["Copenhagen Amendment to the Montreal Protocol"],
    "UNTC-XXVII-2-d": ["Montreal Amendment to the Montreal Protocol"],
    "UNTC-XXVII-2-e": ["Beijing Amendment to the Montreal Protocol"],
    "UNTC-XXVII-2-f": ["Kigali Amendment"],
    "UNTC-XXVII-3": ["Basel Convention"],
    "UNTC-XXVII-3-a": ["Basel Ban Amendment"],
    "UNTC-XXVII-4": ["Espoo Convention"],
    "UNTC-XXVII-5": ["UNECE Water Convention"],
    "UNTC-XXVII-5-a": ["Protocol on Water and Health"],
    "UNTC-XXVII-7": ["UNFCCC", "UN Framework Convention on Climate Change"],
    "UNTC-XXVII-7-a": ["Kyoto Protocol"],
    "UNTC-XXVII-7-c": ["Doha Amendment"],
    "UNTC-XXVII-7-d": ["Paris Agreement", "Paris climate agreement",
                       "Paris Climate Agreement", "Paris climate accord",
                       "Paris Climate Accords", "Paris climate deal"],
    "UNTC-XXVII-8": ["Convention on Biological Diversity",
                     "UN Convention on Biological Diversity"],
    "UNTC-XXVII-8-a": ["Cartagena Protocol"],
    "UNTC-XXVII-8-b": ["Nagoya Protocol"],
    "UNTC-XXVII-10": ["UNCCD", "UN Convention to Combat Desertification"],
    "UNTC-XXVII-12": ["UN Watercourses Convention"],
    "UNTC-XXVII-13": ["Aarhus Convention"],
    "UNTC-XXVII-14": ["Rotterdam Convention"],
    "UNTC-XXVII-15": ["Stockholm Convention on POPs"],
    "UNTC-XXVII-17": ["Minamata Convention"],
    "UNTC-XXVII-18": ["Escazú Agreement", "Escazu Agreement"],
    # --- Council of Europe -------------------------------------------------
    "CETS-5": ["ECHR", "European Convention on Human Rights"],
    "CETS-9": ["Protocol No. 1 to the European Convention on Human Rights",
               "Protocol No. 1 to the ECHR"],
    "CETS-108": ["Convention 108"],
    "CETS-114": ["Protocol No. 6 to the European Convention on Human Rights",
                 "Protocol No. 6 to the ECHR"],
    "CETS-126": ["European Convention for the Prevention of Torture"],
    "CETS-148": ["ECRML"],
    "CETS-157": ["FCNM", "Framework Convention on National Minorities"],
    "CETS-163": ["Revised European Social Charter"],
    "CETS-164": ["Oviedo Convention", "Convention on Human Rights and Biomedicine"],
    "CETS-185": ["Budapest Convention", "Budapest Convention on Cybercrime",
                 "Council of Europe Convention on Cybercrime"],
    "CETS-187": ["Protocol No. 13 to the European Convention on Human Rights",
                 "Protocol No. 13 to the ECHR"],
    "CETS-189": ["First Additional Protocol to the Convention on Cybercrime",
                 "Protocol on Xenophobia and Racism"],
    "CETS-194": ["Protocol No. 14 to the European Convention on Human Rights",
                 "Protocol No. 14 to the ECHR"],
    "CETS-197": ["Council of Europe Anti-Trafficking Convention",
                 "Convention on Action against Trafficking in Human Beings"],
    "CETS-201": ["Lanzarote Convention"],
    "CETS-210": ["Istanbul Convention"],
    "CETS-211": ["MEDICRIME Convention", "Medicrime Convention"],
    "CETS-213": ["Protocol No. 15 to the European Convention on Human Rights",
                 "Protocol No. 15 to the ECHR"],
    "CETS-214": ["Protocol No. 16 to the European Convention on Human Rights",
                 "Protocol No. 16 to the ECHR"],
    "CETS-215": ["Macolin Convention", "Magglingen Convention"],
    "CETS-216": ["Convention against Trafficking in Human Organs",
                 "Santiago de Compostela Convention",
                 "organ trafficking convention"],
    "CETS-218": ["Saint-Denis Convention"],
    "CETS-221": ["Nicosia Convention"],
    "CETS-223": ["Convention 108+", "Modernised Convention 108"],
    "CETS-224": ["Second Additional Protocol to the Convention on Cybercrime",
                 "Second Additional Protocol to the Budapest Convention"],
    "CETS-225": ["AI Framework Convention",
                 "Framework Convention on Artificial Intelligence",
                 "Council of Europe Framework Convention on Artificial "
                 "Intelligence"],
}

# Aliases that are never acceptable on their own (compared case-insensitively).
GENERIC = {
    "convention", "the convention", "protocol", "the protocol", "agreement",
    "the agreement", "treaty", "the treaty", "charter", "the charter",
    "statute", "the statute", "covenant", "the covenant", "amendment",
    "the amendment", "optional protocol", "the optional protocol",
    "additional protocol", "the additional protocol",
}

ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
ISO_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DEPOSITED_RE = re.compile(
    r"\s*\(deposited in the archives of the (Government of [^)]+)\)\s*")


class BuildError(Exception):
    pass


def roman_to_int(s):
    total, prev = 0, 0
    for ch in reversed(s):
        v = ROMAN[ch]
        total = total - v if v < prev else total + v
        prev = max(prev, v)
    return total


def untc_url(no):
    return UNTC_URL.format(no=no, ch=roman_to_int(no.split("-")[0]))


def natural_key(row_id):
    prefix, rest = row_id.split("-", 1)
    if prefix == "UNTC":
        parts = rest.split("-")
        key = [(0, roman_to_int(parts[0]), "")]
        for p in parts[1:]:
            for tok in re.findall(r"\d+|\D+", p):
                key.append((1, int(tok), "") if tok.isdigit() else (2, 0, tok))
        return (0, key)
    return (1, [(0, int(rest), "")])


def read_csv(path):
    if not os.path.isfile(path):
        raise BuildError("missing input file: %s" % path)
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def clean_title(title):
    """Strip UNTC index notes that are not part of the title.
    Returns (title, depositary-or-None)."""
    depositary = None
    m = DEPOSITED_RE.search(title)
    if m:
        depositary = m.group(1)
        title = DEPOSITED_RE.sub(" ", title)
    title = title.strip()
    title = re.sub(r"\*+$", "", title).strip()   # UNTC footnote asterisk
    return re.sub(r"\s+", " ", title), depositary


def build_un(shared_dir):
    rows2026 = read_csv(os.path.join(shared_dir, "untc_2026_treaties.csv"))
    rows2015 = read_csv(os.path.join(shared_dir, "untc_mtdsg_index_2015.csv"))
    if len(rows2026) != 30 or len(rows2015) != 401:
        raise BuildError("unexpected row counts: 2026=%d (want 30), 2015=%d "
                         "(want 401)" % (len(rows2026), len(rows2015)))
    by_no = {}
    for r in rows2015:
        no = r["mtdsg_no"].strip()
        if no in by_no:
            raise BuildError("duplicate mtdsg_no in 2015 index: %s" % no)
        title, dep = clean_title(r["title"])
        place = r["conclusion_place"].strip()
        date = r["conclusion_date"].strip()
        # "Geneva, 11 February 1925 and Lake Success, New York" etc.: the
        # index's date is one of several; do not call it the adoption date.
        if re.search(r"\d", place) or re.search(r"\band$", place):
            date = ""
        if dep is None:
            # Pre-1946 (League of Nations era / government-deposited) treaties:
            # depositary not verified, leave empty.
            # (Chapter I is exempt: I-2 declarations are deposited with the
            # Secretary-General; I-1 and I-3 carry their own note.)
            old = date and date < "1946-01-01" and not no.startswith("I-")
            dep = "" if old else UN_SG
        by_no[no] = {"title": title, "adopted": date, "opened": "",
                     "in_force": "", "depositary": dep,
                     "url": r["source_url"].strip()}
    for r in rows2026:
        no = r["mtdsg_no"].strip()
        title, dep = clean_title(r["title"])
        rec = by_no.get(no, {})
        rec.update({"title": title,
                    "adopted": r["conclusion_date"].strip(),
                    "opened": rec.get("opened", ""),
                    "in_force": r["entry_into_force_date"].strip(),
                    "depositary": dep or UN_SG,
                    "url": r["source_url"].strip()})
        by_no[no] = rec
    for no, title, adopted, opened, in_force in UN_EXTRA:
        if no in by_no:
            raise BuildError("UN_EXTRA %s already present in shared data" % no)
        by_no[no] = {"title": title, "adopted": adopted, "opened": opened,
                     "in_force": in_force, "depositary": UN_SG,
                     "url": untc_url(no)}
    for no, fields in UN_OVERRIDES.items():
        if no not in by_no:
            raise BuildError("UN_OVERRIDES %s not in data" % no)
        for k, v in fields.items():
            by_no[no][k] = "" if v is None else v
    out = []
    for no, rec in by_no.items():
        rec = dict(rec)
        rec["id"] = "UNTC-" + no
        out.append(rec)
    return out


def build_coe():
    out = []
    for n, title, opened, in_force in COE:
        out.append({"id": "CETS-%d" % n, "title": title, "adopted": "",
                    "opened": opened, "in_force": in_force,
                    "depositary": COE_SG, "url": COE_URL.format(n=n)})
    return out


def check_date(row_id, field, value):
    if value == "":
        return
    if not ISO_RE.match(value):
        raise BuildError("%s: %s=%r is not YYYY-MM-DD" % (row_id, field, value))
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        raise BuildError("%s: %s=%r is not a valid date" % (row_id, field, value))


def finalise(rows):
    ids = [r["id"] for r in rows]
    seen = set()
    for i in ids:
        if i in seen:
            raise BuildError("duplicate id: %s" % i)
        seen.add(i)
    for key in list(SHORT_TITLES) + list(ALIASES):
        if key not in seen:
            raise BuildError("alias/short-title table names unknown id: %s" % key)

    alias_owner = {}
    for r in rows:
        rid = r["id"]
        r["short_title"] = SHORT_TITLES.get(rid, "")
        if r["short_title"] == r["title"]:
            r["short_title"] = ""
        aliases = []
        for a in ALIASES.get(rid, []):
            if a != a.strip() or not a:
                raise BuildError("%s: alias %r has stray whitespace" % (rid, a))
            if "|" in a or "\n" in a:
                raise BuildError("%s: alias %r contains a separator" % (rid, a))
            if a.lower() in GENERIC:
                raise BuildError("%s: alias %r is generic" % (rid, a))
            if a in aliases:
                raise BuildError("%s: alias %r listed twice" % (rid, a))
            k = a.lower()
            if k in alias_owner and alias_owner[k] != rid:
                raise BuildError("alias %r shared by %s and %s"
                                 % (a, alias_owner[k], rid))
            alias_owner[k] = rid
            aliases.append(a)
        r["aliases"] = "|".join(aliases)

    # An alias or short title must not equal another instrument's name.
    for r in rows:
        for name in (r["title"], r["short_title"]):
            k = name.lower()
            if k and k in alias_owner and alias_owner[k] != r["id"]:
                raise BuildError("alias %r of %s is the title/short title of %s"
                                 % (name, alias_owner[k], r["id"]))
    short_owner = {}
    for r in rows:
        k = r["short_title"].lower()
        if k:
            if k in short_owner:
                raise BuildError("short title %r shared by %s and %s"
                                 % (r["short_title"], short_owner[k], r["id"]))
            short_owner[k] = r["id"]

    for r in rows:
        if not r["title"].strip():
            raise BuildError("%s: empty title" % r["id"])
        for f in ("adopted", "opened", "in_force"):
            check_date(r["id"], f, r[f])
        if r["in_force"] and r["opened"] and r["in_force"] < r["opened"]:
            raise BuildError("%s: in_force before opened" % r["id"])
        if not r["url"].startswith("https://"):
            raise BuildError("%s: bad url %r" % (r["id"], r["url"]))
    rows.sort(key=lambda r: natural_key(r["id"]))
    return rows


def main(argv=None):
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("shared_dir", nargs="?",
                    default=os.path.join(repo, "..", "shared", "data"))
    ap.add_argument("-o", "--output",
                    default=os.path.join(repo, "data", "instruments.csv"))
    args = ap.parse_args(argv)
    try:
        rows = finalise(build_un(args.shared_dir) + build_coe())
    except BuildError as e:
        print("build_instruments: ERROR: %s" % e, file=sys.stderr)
        return 1
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    tmp = args.output + ".tmp"
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n",
                           extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    os.replace(tmp, args.output)
    counts = {}
    for r in rows:
        p = r["id"].split("-", 1)[0]
        counts[p] = counts.get(p, 0) + 1
    for p in sorted(counts):
        print("%s\t%d" % (p, counts[p]))
    print("total\t%d\t-> %s" % (len(rows), args.output))
    return 0


if __name__ == "__main__":
    sys.exit(main())
