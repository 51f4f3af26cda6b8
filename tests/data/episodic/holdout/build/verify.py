import json, collections, datetime as dt
turns = [json.loads(l) for l in open("/work/holdout/conversations.jsonl", encoding="utf-8")]
qs = [json.loads(l) for l in open("/work/holdout/questions.jsonl", encoding="utf-8")]
by = collections.defaultdict(list)
for t in turns: by[t["conversation"]].append(t)
for c, ts in by.items():
    spk = {t["speaker"] for t in ts}; assert len(spk) == 2, (c, spk)
    times = [dt.datetime.fromisoformat(t["time"]) for t in ts]
    assert all(a < b for a, b in zip(times, times[1:])), c
    sess = [t["session"] for t in ts]; assert sess == sorted(sess) and sess[0] == 1
    print(c, len(ts), "turns", max(sess), "sessions", sorted(spk), ts[0]["time"][:10], "..", ts[-1]["time"][:10])
ids = set()
for q in qs:
    assert q["id"] not in ids; ids.add(q["id"])
    ts = by[q["conversation"]]
    assert q["evidence"] and all(0 <= i < len(ts) for i in q["evidence"]), q["id"]
    assert dt.datetime.fromisoformat(q["asked_at"]) > dt.datetime.fromisoformat(ts[-1]["time"])
    assert q["kind"] in ("single-hop", "multi-hop", "temporal", "open")
    if q["kind"] == "multi-hop": assert len(q["evidence"]) >= 2, q["id"]
import sys
if "-v" in sys.argv:
    for q in qs:
        ts = by[q["conversation"]]
        print(f"\n{q['id']} [{q['kind']}] {q['question']}  -> {q['answer']}")
        for i in q["evidence"]:
            print(f"   #{i} {ts[i]['time'][:16]} {ts[i]['speaker']}: {ts[i]['text']}")
print("turns", len(turns), "questions", len(qs))
print("kind", collections.Counter(q["kind"] for q in qs))
print("lang", collections.Counter(q["lang"] for q in qs))
print("kind x lang", collections.Counter((q["kind"], q["lang"]) for q in qs))
print("turn langs", collections.Counter(("ru" if any("а" <= ch <= "я" for ch in t["text"].lower()) else "en", t["conversation"]) for t in turns))
