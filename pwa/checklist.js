/**
 * Whether an answer passes its item, and an inspection's score: the one rule
 * every screen uses (the phone's checklist, the office review) and the server
 * keeps in sync/checklist.py. tests/unit/test_checklist_rule.py runs this
 * module beside the Python on the same answers, so the two cannot drift.
 * No DOM and no imports: it runs in the browser and under Node alike.
 */

/** 'pass', 'fail' or 'na' for an answered item; null when it has no verdict (text, choice, photo, unanswered). */
export function itemOutcome(item, value) {
  if (value === null || value === undefined || value === '') return null;
  if (item.kind === 'pass_fail') return value;
  if (item.kind === 'number') {
    const outOfRange = (item.min != null && value < item.min) || (item.max != null && value > item.max);
    return outOfRange ? 'fail' : 'pass';
  }
  if (item.kind === 'score') return value > (item.min + item.max) / 2 ? 'pass' : 'fail';
  return null;
}

/**
 * 'went_down' or 'jumped' when a meter reading needs a second look, null when it looks right:
 * below the previous reading, or above previous × max_jump_ratio. Only a warning to confirm,
 * never a fail (meters get replaced and reset).
 */
export function meterWarning(item, value, previous) {
  if (!item.meter || item.kind !== 'number') return null;
  if (typeof value !== 'number' || typeof previous !== 'number') return null;
  if (value < previous) return 'went_down';
  if (item.max_jump_ratio != null && previous > 0 && value > previous * item.max_jump_ratio) return 'jumped';
  return null;
}

/** Percentage of judged items that passed, given the template's items and the answers map; null when nothing was judged. */
export function score(items, answers) {
  const outcomes = items.map((item) => itemOutcome(item, answers?.[item.key]?.value)).filter((o) => o === 'pass' || o === 'fail');
  if (!outcomes.length) return null;
  return Math.round((100 * outcomes.filter((o) => o === 'pass').length) / outcomes.length);
}

export function isAnswered(item, answer, photoCount) {
  if (item.kind === 'photo') return photoCount > 0;
  return answer?.value !== undefined && answer?.value !== null && answer?.value !== '';
}
