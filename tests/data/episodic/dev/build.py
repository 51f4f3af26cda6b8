#!/usr/bin/env python3
"""build.py: writes conversations.jsonl and questions.jsonl of the dev half from dev.txt.

dev.txt is the hand-written source (easier to read and edit than JSON Lines):
  C ID            a conversation; its turns follow
  S ISO-TIME      a new session at that time; each turn gets the session's time plus a minute
  NAME: TEXT      a turn; "@tag NAME: TEXT" labels it for the questions
  Q KIND ASKED_AT | question | answer | tag,tag   a question about the current conversation
Run it after editing dev.txt; the .jsonl files are committed.
"""
import datetime, json, os, sys

here = os.path.dirname(os.path.abspath(__file__))
turns, questions = [], []
conv = None
tags = {}
idx = 0
session = 0
stime = None
for n, raw in enumerate(open(os.path.join(here, "dev.txt"), encoding="utf-8"), 1):
    line = raw.strip()
    if not line or line.startswith("#"):
        continue
    if line.startswith("C "):
        conv, tags, idx, session = line[2:].strip(), {}, 0, 0
    elif line.startswith("S "):
        session += 1
        stime = datetime.datetime.fromisoformat(line[2:].strip().replace("Z", "+00:00"))
        minute = 0
    elif line.startswith("Q "):
        head, q, a, ev = [x.strip() for x in line[2:].split("|")]
        kind, asked = head.split()
        lang = "ru" if any("\u0400" <= ch <= "\u04ff" for ch in q) else "en"
        evidence = []
        for t in ev.split(","):
            if t.strip() not in tags:
                sys.exit(f"dev.txt:{n}: unknown tag {t!r}")
            evidence.append(tags[t.strip()])
        questions.append({"id": f"{conv}-q{len([x for x in questions if x['conversation'] == conv]) + 1}",
                          "conversation": conv, "question": q, "kind": kind, "lang": lang,
                          "evidence": sorted(evidence), "asked_at": asked, "answer": a})
    else:
        tag = None
        if line.startswith("@"):
            tag, line = line[1:].split(" ", 1)
            if tag in tags:
                sys.exit(f"dev.txt:{n}: tag {tag} used twice")
            tags[tag] = idx
        speaker, text = line.split(":", 1)
        t = stime + datetime.timedelta(minutes=minute)
        minute += 1
        turns.append({"conversation": conv, "session": f"{conv}-s{session}", "speaker": speaker.strip(),
                      "text": text.strip(), "time": t.strftime("%Y-%m-%dT%H:%M:%SZ")})
        idx += 1
with open(os.path.join(here, "conversations.jsonl"), "w", encoding="utf-8") as f:
    for t in turns:
        f.write(json.dumps(t, ensure_ascii=False) + "\n")
with open(os.path.join(here, "questions.jsonl"), "w", encoding="utf-8") as f:
    for q in questions:
        f.write(json.dumps(q, ensure_ascii=False) + "\n")
kinds = {}
for q in questions:
    kinds[q["kind"]] = kinds.get(q["kind"], 0) + 1
print(f"{len(set(t['conversation'] for t in turns))} conversations, {len(turns)} turns, "
      f"{len(questions)} questions {kinds}")
