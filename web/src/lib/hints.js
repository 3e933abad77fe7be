// A member's hints as GET /leads/{id}/activity lists them — one per
// sighting, so "孩子六年级" typed in ten check-ins is ten — gathered into one
// entry per field and value: its strongest confidence, and the check-ins
// it was read from in photos and found in typed text, in the order given.
export function groupHints(hints) {
  const groups = new Map();
  for (const h of hints ?? []) {
    const key = `${h.field}\u0000${h.value}`;
    let g = groups.get(key);
    if (!g) {
      g = { field: h.field, value: h.value, confidence: 0, photos: [], texts: [] };
      groups.set(key, g);
    }
    g.confidence = Math.max(g.confidence, h.confidence ?? 0);
    const list = h.source?.kind === 'text' ? g.texts : g.photos;
    const id = h.source?.checkin_id;
    if (id && !list.includes(id)) list.push(id);
  }
  return [...groups.values()];
}

// Where a grouped hint was seen, in words: "照片 · 文字 ×10".
export function hintSources(g, t) {
  const part = (ids, word) => (ids.length > 1 ? `${word} ×${ids.length}` : word);
  const parts = [];
  if (g.photos.length) parts.push(part(g.photos, t('leads.fromPhoto')));
  if (g.texts.length) parts.push(part(g.texts, t('leads.fromText')));
  return parts.join(' · ');
}
