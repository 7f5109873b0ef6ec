/**
 * What the platform itself plays (switchboards and conferences play their own configured
 * texts). Bilingual, as the operator's network announcements are.
 */
export const PROMPTS = {
  conferencePin:
    '欢迎使用移动会议电话，请输入会议密码，以#号键结束。Welcome to the conference service: enter the meeting PIN followed by #.',
  wrongPin: '密码错误，请重新输入。The PIN is not right; please try again.',
  tooManyPins: '密码错误次数过多，再见。Too many wrong PINs; goodbye.',
  operatorHold: '正在为您转接话务员，请稍候。Please hold for the operator.',
  noOperator: '话务员暂时都在忙，请稍候。All operators are busy; please hold.',
  notInService: '您拨叫的分机暂时无法接通。The extension you dialled is not in service.',
  extensionBusy: '您拨叫的分机正忙。The extension you dialled is busy.',
  extensionNoAnswer: '您拨叫的分机暂时无人接听。The extension you dialled does not answer.',
  extensionRejected: '您拨叫的分机暂时无法接听。The extension you dialled cannot take your call.',
  rejected: {
    caller_suspended: '您的号码已停机。Your number is suspended.',
    callee_suspended: '您拨叫的用户已停机。The number you dialled is suspended.',
    unallocated_number: '您拨叫的号码是空号。The number you dialled does not exist.',
    not_callable: '您拨叫的号码不能接听电话。The number you dialled cannot take calls.',
  } as Record<string, string>,
  refusedDefault: '您的呼叫无法接通。Your call cannot be completed.',
} as const;
