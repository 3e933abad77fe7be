import { describe, expect, test } from 'vitest';
import { createI18n } from 'vue-i18n';
import zh from '../src/i18n/zh-CN.js';
import { auditAction, auditDetail, auditTarget } from '../src/lib/audit.js';

const t = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': zh } }).global.t;
const say = (a) => [auditAction(a, t), auditTarget(a, t), auditDetail(a, t)];

// Each form storage/*_repo.cc writes (WriteAudit).
describe('audit log wording', () => {
  test('every action the server writes reads in Chinese', () => {
    expect(say({ action: 'campaign.update', target: '4', detail: 'name,starts_on' }))
      .toEqual(['修改活动', '活动 #4', '名称、开始日期']);
    expect(say({ action: 'enrollment.refund', target: 'campaign 4 member 122', detail: '7天无理由退款' }))
      .toEqual(['退款', '活动 #4 · 成员 #122', '7天无理由退款']);
    expect(say({ action: 'member.merge', target: 'member:30', detail: 'into member:146 (12 rows) 同一个人' }))
      .toEqual(['合并成员', '成员 #30', '并入成员 #146（迁移 12 条记录）：同一个人']);
    expect(say({ action: 'member.unmerge', target: 'merge:2', detail: 'member:30 back out of member:146' }))
      .toEqual(['撤销合并', '合并 #2', '成员 #30 从成员 #146 拆回']);
    expect(say({ action: 'identity_review.resolved', target: 'review:3', detail: 'member:30' }))
      .toEqual(['身份审核：已认定', '审核 #3', '成员 #30']);
    expect(say({ action: 'user.update', target: '5', detail: 'role sales→admin;disabled;password;' }))
      .toEqual(['修改用户', '用户 #5', '角色 销售→管理员、停用、密码']);
    expect(say({ action: 'scoring.rules', target: '3', detail: '' })).toEqual(['修改评分规则', '规则第 3 版', '']);
    expect(say({ action: 'content.delete', target: '9', detail: '第3课 朗读技巧' }))
      .toEqual(['撤回内容', '内容 #9', '第3课 朗读技巧']);
    expect(say({ action: 'roster_alias.forget', target: 'group:7', detail: 'member:146 阳光 总在' }))
      .toEqual(['忘记审核认定的昵称', '群 #7', '「阳光 总在」不再认定为成员 #146']);
    const written = ['campaign.update', 'group.update', 'content.update', 'content.delete', 'enrollment.refund',
                     'enrollment.restore', 'identity_review.resolved', 'identity_review.dismissed', 'member.merge',
                     'member.unmerge', 'scoring.train', 'scoring.rules', 'user.update', 'roster_alias.forget'];
    for (const action of written) expect(auditAction({ action }, t)).toMatch(/[\u4e00-\u9fff]/);
  });
  test('a form it does not know is shown as written', () => {
    expect(say({ action: 'something.new', target: 'x 1', detail: 'a;b' })).toEqual(['something.new', 'x 1', 'a;b']);
    // A content title that looks like a field list is still a title.
    expect(auditDetail({ action: 'content.delete', detail: 'name,theme' }, t)).toBe('name,theme');
    expect(auditDetail({ action: 'member.merge', detail: 'into somewhere' }, t)).toBe('into somewhere');
  });
});
