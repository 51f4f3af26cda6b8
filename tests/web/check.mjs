// check.mjs: the tiny assertion helper of the node-driven tests. Each check prints one line,
// "ok - WHAT" or "not ok - WHAT: DETAIL", which tests/integration/lib.sh's run_node counts
// as passes and failures; nothing throws, so one failure does not hide the next ones.
export let failures = 0;

export function check(what, cond, detail) {
  if (cond) {
    console.log(`ok - ${what}`);
  } else {
    failures++;
    const d = detail === undefined ? '' : `: ${typeof detail === 'string' ? detail : JSON.stringify(detail)}`;
    console.log(`not ok - ${what}${d}`.slice(0, 2000));
  }
  return !!cond;
}

// Run main(); an exception is one more failure, with its stack.
export async function run(main) {
  try {
    await main();
  } catch (e) {
    check('no exception', false, String(e && e.stack ? e.stack : e));
  }
  process.exit(failures ? 1 : 0);
}
