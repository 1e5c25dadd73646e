/** A lifebuoy drawn inline: emoji glyphs are missing from many server fonts. */
export function Logo() {
  return (
    <svg className="logo" width="20" height="20" viewBox="0 0 20 20" aria-hidden="true">
      <circle cx="10" cy="10" r="8" fill="none" stroke="#f85149" strokeWidth="4" />
      <circle
        cx="10"
        cy="10"
        r="8"
        fill="none"
        stroke="#e6edf3"
        strokeWidth="4"
        strokeDasharray="6.28 6.28"
      />
    </svg>
  );
}
