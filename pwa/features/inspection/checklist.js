/** Whether an answer passes its item: the same rules as the server's sync/checklist.py. */

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

/** Percentage of judged items that passed; null when nothing was judged. */
export function score(template, answers) {
  const outcomes = template.fields.items.map((item) => itemOutcome(item, answers[item.key]?.value)).filter((o) => o === 'pass' || o === 'fail');
  if (!outcomes.length) return null;
  return Math.round((100 * outcomes.filter((o) => o === 'pass').length) / outcomes.length);
}

export function isAnswered(item, answer, photoCount) {
  if (item.kind === 'photo') return photoCount > 0;
  return answer?.value !== undefined && answer?.value !== null && answer?.value !== '';
}
