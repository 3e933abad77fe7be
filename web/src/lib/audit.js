// The audit log (GET /audit) in the reader's language (tested in
// tests/audit.test.js). The server writes each entry's action, target and
// detail in a fixed English form (storage/*_repo.cc, WriteAudit); they
// are worded here from that form, and shown as written when a form is not
// one of these. `t` is vue-i18n's.

const kTargetKinds = {
  'campaign.update': 'campaign', 'group.update': 'group', 'content.update': 'content',
  'content.delete': 'content', 'user.update': 'user', 'scoring.train': 'model', 'scoring.rules': 'rules',
};

export function auditAction(a, t) {
  // vue-i18n reads a dot in a key as a path: "campaign.update" is kept as
  // campaign_update.
  return t(`audit.actions.${String(a.action).replaceAll('.', '_')}`, a.action);
}

// "4" (by action), "campaign 4 member 122", "member:12", "review:3",
// "merge:5", "group:7".
export function auditTarget(a, t) {
  const target = a.target ?? '';
  let m = /^campaign (\d+) member (\d+)$/.exec(target);
  if (m) return `${t('audit.of.campaign', { id: m[1] })} · ${t('audit.of.member', { id: m[2] })}`;
  m = /^(member|review|merge|group):(\d+)$/.exec(target);
  if (m) return t(`audit.of.${m[1]}`, { id: m[2] });
  const kind = kTargetKinds[a.action];
  if (kind && /^\d+$/.test(target)) return t(`audit.of.${kind}`, { id: target });
  return target;
}

// Field lists ("name,theme"; "role sales→admin;disabled;"), a merge's
// "into member:12 (5 rows) reason", an undo's "member:3 back out of
// member:12", a review's "member:7"; free text (a refund's reason, a
// deleted content's title, a model's kind) as written.
export function auditDetail(a, t) {
  const d = a.detail ?? '';
  const field = (f) => t(`audit.fields.${f}`, f);
  switch (a.action) {
    case 'campaign.update':
    case 'group.update':
    case 'content.update':
      return /^[a-z_]+(,[a-z_]+)*$/.test(d) ? d.split(',').map(field).join('、') : d;
    case 'user.update':
      if (!/^([a-z_]+( [a-z]+→[a-z]+)?;)+$/.test(d)) return d;
      return d.split(';').filter(Boolean).map((part) => {
        const role = /^role ([a-z]+)→([a-z]+)$/.exec(part);
        return role ? t('audit.roleChange', { from: t(`roles.${role[1]}`, role[1]), to: t(`roles.${role[2]}`, role[2]) })
          : field(part);
      }).join('、');
    case 'member.merge': {
      const m = /^into member:(\d+) \((\d+) rows\) ?(.*)$/s.exec(d);
      return m ? t('audit.mergedInto', { id: m[1], rows: m[2] }) + (m[3] ? `：${m[3]}` : '') : d;
    }
    case 'roster_alias.forget': {
      const m = /^member:(\d+) (.+)$/s.exec(d);
      return m ? t('audit.forgotName', { name: m[2], id: m[1] }) : d;
    }
    case 'member.unmerge': {
      const m = /^member:(\d+) back out of member:(\d+)$/.exec(d);
      return m ? t('audit.unmerged', { from: m[1], into: m[2] }) : d;
    }
    default: {
      const m = /^member:(\d+)$/.exec(d);
      return m ? t('audit.of.member', { id: m[1] }) : d;
    }
  }
}
