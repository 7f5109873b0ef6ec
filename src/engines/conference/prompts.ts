/** What the conference bridge plays on a leg, bilingual like the network's announcements. */
export const CONFERENCE_PROMPTS = {
  joined: '您已进入会议。You have joined the conference.',
  full: '会议人数已满，再见。The conference is full; goodbye.',
  locked: '会议已锁定，再见。The conference is locked; goodbye.',
  ended: '会议已结束，再见。The conference has ended; goodbye.',
  kicked: '您已被主持人移出会议。The host has removed you from the conference.',
  muted: '您已被静音。You are muted.',
  unmuted: '您已取消静音。You are no longer muted.',
  mutedAll: '主持人已将全体静音。The host has muted everyone.',
  unmutedAll: '主持人已取消全体静音。The host has unmuted everyone.',
  lockedNotice: '会议已锁定。The conference is now locked.',
  unlockedNotice: '会议已解锁。The conference is now unlocked.',
  fullForAdd: '会议人数已满，无法再加人。The conference is full: nobody more can join.',
  lockedForAdd: '会议已锁定，无法再加人。The conference is locked: unlock it (*4) to add someone.',
  takenOver: '您已通过拨入进入会议。You are in the conference through your dial-in.',
  hostOnly: '此按键仅限主持人使用。Only the host can use this key.',
  unknownKey: '无效按键。That key does nothing.',
  invalidNumber: '号码无效。That number cannot be dialled.',
  alreadyIn: '该号码已在会议中。That number is already in the conference.',
  joinedCount: (n: number) =>
    `当前会议共有${n}人。${n} ${n === 1 ? 'person is' : 'people are'} in the conference.`,
  dialling: (msisdn: string) => `正在呼叫${msisdn}。Calling ${msisdn}.`,
  invitation: (accessNumber: string, pin: string, title: string | null) =>
    `【移动会议电话】您有一个会议邀请${title ? `“${title}”` : ''}：请拨打${accessNumber}，输入会议密码${pin}并按#号键加入。Conference invitation${title ? ` "${title}"` : ''}: call ${accessNumber} and enter PIN ${pin} followed by #.`,
} as const;
