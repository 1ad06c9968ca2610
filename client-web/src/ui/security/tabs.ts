// Which tabs of 保密管理 a role sees: the officer all four (密钥恢复 since issue 12), the auditor 法律保全 only
// (to countersign releases); nobody else any.

import type { SecurityTab } from '../../router';

export function securityTabs(role: string): SecurityTab[] {
  if (role === 'security') return ['escrow', 'levels', 'holds', 'dlp', 'recovery'];
  if (role === 'auditor') return ['holds'];
  return [];
}
