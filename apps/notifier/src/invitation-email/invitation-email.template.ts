import { MemberInvitedV1 } from '@team-access/contracts';

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (character) => ESCAPES[character]);

/** Builds the invitation email. It goes to the login name, which for Entra users is their UPN. */
export function invitationEmail(invitation: MemberInvitedV1 & { loginName: string }, signInUrl: string): EmailMessage {
  const subject = `You are invited to the ${invitation.inboxName} inbox`;
  const text = [
    `You have been invited to the shared inbox "${invitation.inboxName}" as ${invitation.tier}.`,
    '',
    `Sign in with your work account ${invitation.loginName} to accept: ${signInUrl}`,
    '',
    'If your organization uses Microsoft, choose "Sign in with Microsoft".',
  ].join('\n');
  const html = `<p>You have been invited to the shared inbox <strong>${escapeHtml(invitation.inboxName)}</strong> as ${escapeHtml(invitation.tier)}.</p>
<p>Sign in with your work account <strong>${escapeHtml(invitation.loginName)}</strong> to accept:
<a href="${escapeHtml(signInUrl)}">${escapeHtml(signInUrl)}</a></p>
<p>If your organization uses Microsoft, choose "Sign in with Microsoft".</p>`;
  return { to: invitation.loginName, subject, text, html };
}
