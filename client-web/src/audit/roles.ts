/** Who has the console (审计台): the security officer and the auditor (PROTOCOL.md §4.24). */
export function mayAudit(role: string): boolean {
  return role === 'security' || role === 'auditor';
}
