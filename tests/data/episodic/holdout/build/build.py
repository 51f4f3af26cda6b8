import json, importlib, sys, datetime as dt
MODS = sys.argv[1:] or ["h1","h2","h3","h4","h5","h6"]
turns_out, q_out = [], []
for m in MODS:
    mod = importlib.import_module(m)
    cid = mod.ID
    tags, idx, last = {}, 0, None
    for si, (start, turns) in enumerate(mod.SESSIONS, 1):
        t = dt.datetime.fromisoformat(start)
        assert last is None or t > last, (cid, start)
        for k, tu in enumerate(turns):
            spk, text = mod.SPK[tu[0]], tu[1]
            if k: t = t + dt.timedelta(minutes=1 + (idx * 7) % 4)
            for tag in tu[2:]:
                assert tag not in tags, (cid, tag); tags[tag] = idx
            turns_out.append({"conversation": cid, "session": si, "speaker": spk, "text": text, "time": t.isoformat()})
            last = t; idx += 1
    for n, q in enumerate(mod.QUESTIONS, 1):
        kind, question, ev, answer = q[:4]
        extra = q[4] if len(q) > 4 else {}
        ev_idx = sorted(tags[e] for e in ev)
        d = {"id": f"{cid}-q{n}", "conversation": cid, "question": question, "kind": kind,
             "lang": mod.LANG, "evidence": ev_idx, "asked_at": mod.ASKED_AT, "answer": answer}
        if "user" in extra or getattr(mod, "USER", None):
            u = extra.get("user", getattr(mod, "USER", None))
            if u: d["user"] = u
        assert dt.datetime.fromisoformat(mod.ASKED_AT) > last
        q_out.append(d)
with open("/work/holdout/conversations.jsonl", "w", encoding="utf-8") as f:
    for r in turns_out: f.write(json.dumps(r, ensure_ascii=False) + "\n")
with open("/work/holdout/questions.jsonl", "w", encoding="utf-8") as f:
    for r in q_out: f.write(json.dumps(r, ensure_ascii=False) + "\n")
print(len(turns_out), "turns", len(q_out), "questions")
