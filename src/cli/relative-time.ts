/** A duration in words a tired reader takes in at a glance: `45 s`, `12 min`, `3 h 5 min`, `2 d 4 h`. */
export function durationWords(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 120) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 120) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return min % 60 === 0 ? `${h} h` : `${h} h ${min % 60} min`;
  const d = Math.floor(h / 24);
  return h % 24 === 0 ? `${d} d` : `${d} d ${h % 24} h`;
}

/** `2026-11-22 03:10:00 UTC`: absolute, in UTC so every operator reads the same time. */
export function utcText(at: Date): string {
  return `${at.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** `2026-11-22 03:10:00 UTC (12 min ago)`, or `(in 12 min)` for a time after `now`. */
export function whenText(at: Date, now: Date): string {
  const ms = now.getTime() - at.getTime();
  return `${utcText(at)} (${ms >= 0 ? `${durationWords(ms)} ago` : `in ${durationWords(ms)}`})`;
}
