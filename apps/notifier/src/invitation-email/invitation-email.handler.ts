import { mongo } from 'mongoose';
import { Transporter } from 'nodemailer';
import { Logger } from 'pino';
import { EventEnvelope, isEventOfType } from '@team-access/messaging';
import { invitationEmail } from './invitation-email.template';

interface DeliveryDocument {
  _id: string;
  status: 'sending' | 'sent';
  kind: 'invitation';
  updatedAt: Date;
}

export const DELIVERIES_COLLECTION = 'deliveries';

/**
 * Sends one invitation email per `inbox.member.invited` event. The delivery record keyed by
 * event id makes a redelivered event send nothing once the email went out; a crash between
 * sending and recording `sent` sends it again (at least once), which beats losing it.
 */
export function invitationEmailHandler(db: mongo.Db, transport: Transporter, sender: string, signInUrl: string, logger: Logger) {
  const deliveries = db.collection<DeliveryDocument>(DELIVERIES_COLLECTION);

  return async (envelope: EventEnvelope): Promise<void> => {
    if (!isEventOfType(envelope, 'inbox.member.invited')) {
      return;
    }
    const invitation = envelope.data;
    if (invitation.loginName === null) {
      logger.info({ eventId: envelope.metadata.eventId }, 'Invitation email skipped: the address was erased');
      return;
    }

    const eventId = envelope.metadata.eventId;
    const existing = await deliveries.findOne({ _id: eventId });
    if (existing?.status === 'sent') {
      return;
    }
    await deliveries.updateOne({ _id: eventId }, { $set: { status: 'sending', kind: 'invitation', updatedAt: new Date() } }, { upsert: true });

    const message = invitationEmail({ ...invitation, loginName: invitation.loginName }, signInUrl);
    await transport.sendMail({ from: sender, ...message, headers: { 'X-Event-Id': eventId } });

    await deliveries.updateOne({ _id: eventId }, { $set: { status: 'sent', updatedAt: new Date() } });
    logger.info({ eventId, inboxId: invitation.inboxId, memberId: invitation.memberId }, 'Invitation email sent');
  };
}
