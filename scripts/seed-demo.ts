/**
 * `npm run seed:demo`: loads a realistic demo group into the service's database (DATA_DIR):
 * a Hebei enterprise with ~30 members in departments, a VPN with short codes and sub-groups,
 * a switchboard (移动总机) with a voice menu, extensions and an operator desk, group ringback
 * policies, product subscriptions and a scheduled weekly conference. Idempotent: a second run finds the group by name and only
 * adds what a demo group seeded by an older version lacks.
 */
import { DateTime } from 'luxon';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { toE164 } from '../src/domain/phone.js';

const GROUP = {
  name: '河北冀通装备制造有限公司',
  institutionType: 'enterprise',
  valueTier: 'A2',
  province: 'CN-HE',
  city: '石家庄',
} as const;

// name, department, title, national number, short code
const PEOPLE: Array<[string, string, string, string, string]> = [
  ['王明', '总经理办公室', '总经理', '13803110001', '6001'],
  ['李华', '总经理办公室', '秘书', '13803110002', '6002'],
  ['张兰', '信息中心', '主任', '13803110003', '6201'],
  ['刘洋', '信息中心', '网络工程师', '13803110004', '6202'],
  ['陈静', '信息中心', '系统管理员', '13803110005', '6203'],
  ['杨帆', '信息中心', '开发工程师', '13803110006', '6204'],
  ['赵磊', '销售部', '经理', '13803110007', '6301'],
  ['黄丽', '销售部', '销售代表', '13803110008', '6302'],
  ['周杰', '销售部', '销售代表', '13803110009', '6303'],
  ['吴敏', '销售部', '销售代表', '13803110010', '6304'],
  ['徐强', '销售部', '区域经理', '13803110011', '6305'],
  ['孙悦', '财务部', '经理', '13803110012', '6401'],
  ['马超', '财务部', '会计', '13803110013', '6402'],
  ['朱琳', '财务部', '出纳', '13803110014', '6403'],
  ['胡军', '人力资源部', '经理', '13803110015', '6501'],
  ['郭婷', '人力资源部', '招聘专员', '13803110016', '6502'],
  ['何伟', '生产部', '厂长', '13803110017', '6601'],
  ['高峰', '生产部', '车间主任', '13803110018', '6602'],
  ['林涛', '生产部', '质检员', '13803110019', '6603'],
  ['罗刚', '生产部', '调度员', '13803110020', '6604'],
  ['郑爽', '采购部', '经理', '13803110021', '6701'],
  ['梁晨', '采购部', '采购员', '13803110022', '6702'],
  ['宋佳', '行政部', '前台', '13803110023', '6801'],
  ['谢飞', '行政部', '司机', '13803110024', '6802'],
  ['韩雪', '客服中心', '主管', '13803110025', '6901'],
  ['唐宁', '客服中心', '客服专员', '13803110026', '6902'],
  ['冯毅', '客服中心', '客服专员', '13803110027', '6903'],
  ['单雄', '安全环保部', '安全员', '13803110028', '6951'],
  ['曾丽', '技术研发部', '总工程师', '13803110029', '6961'],
  ['欧阳明', '技术研发部', '研发工程师', '13803110030', '6962'],
];

const SUBGROUPS: Array<{ name: string; shortCode: string; rate: number; departments: string[] }> = [
  { name: '管理层', shortCode: '8000', rate: 0, departments: ['总经理办公室'] },
  { name: '销售团队', shortCode: '8300', rate: 3, departments: ['销售部'] },
  { name: '信息中心', shortCode: '8200', rate: 2, departments: ['信息中心'] },
];

/** 0311-8666 0000: the company's Shijiazhuang switchboard number (总机号码). */
const PILOT = '0311-86660000';

// extension → member name
const EXTENSIONS: Array<[string, string]> = [
  ['8001', '王明'],
  ['8002', '李华'],
  ['8201', '张兰'],
  ['8301', '赵磊'],
  ['8401', '孙悦'],
  ['8901', '韩雪'],
  ['8961', '曾丽'],
];

// operator desk (人工话务台): the front desk and a customer-service agent
const OPERATORS: Array<[string, 'available' | 'busy' | 'offline']> = [
  ['宋佳', 'available'],
  ['唐宁', 'offline'],
];

function seedSwitchboard(groupId: string): void {
  if (s.switchboards.list(groupId, { limit: 1 }).items.length > 0) return;
  const memberIds = new Map(
    s.members.list(groupId, {}, { limit: 500 }).items.map((member) => [member.name, member.id]),
  );
  const idOf = (name: string) => {
    const id = memberIds.get(name);
    if (id === undefined) throw new Error(`demo member ${name} is missing`);
    return id;
  };
  const switchboard = s.switchboards.create(groupId, {
    pilotNumber: toE164(PILOT)!,
    greeting: '您好，欢迎致电河北冀通装备制造有限公司。',
    afterHoursGreeting: '您好，现在是非工作时间，我们的工作时间是周一至周五上午八点半至下午五点半。',
    businessHours: { weekdays: [1, 2, 3, 4, 5], start: '08:30', end: '17:30' },
    menu: {
      prompt:
        '销售咨询请按1，售后服务请按2，财务请按3，总经理办公室请按4，人工服务请按0；如知道分机号，请直接拨分机号。',
      maxRetries: 2,
      options: {
        '1': { action: 'extension', extension: '8301' },
        '2': {
          action: 'submenu',
          menu: {
            prompt: '售后服务：设备报修请按1，技术支持请按2，人工服务请按0。',
            options: {
              '1': { action: 'extension', extension: '8901' },
              '2': { action: 'member', memberId: idOf('曾丽') },
              '0': { action: 'operator' },
            },
          },
        },
        '3': { action: 'extension', extension: '8401' },
        '4': { action: 'member', memberId: idOf('李华') },
        '0': { action: 'operator' },
      },
    },
    outboundPrefix: '9',
    fallback: 'operator',
  });
  for (const [extension, name] of EXTENSIONS)
    s.switchboards.putExtension(switchboard.id, extension, idOf(name));
  for (const [name, status] of OPERATORS) s.switchboards.putOperator(switchboard.id, idOf(name), status);
  console.log(
    `demo switchboard: ${switchboard.id} at ${switchboard.pilotNumber} with ${EXTENSIONS.length} extensions and ${OPERATORS.length} operators`,
  );
}

/**
 * Group ringback (集团彩铃): a work-hours tone on working days (by the group's calendar, so 调休
 * Saturdays count), an after-hours tone otherwise, and the sales team's own tones in rotation.
 */
function seedRingback(groupId: string): void {
  if (s.ringback.listTones(groupId).length > 0) return;
  const tone = (title: string, durationSeconds: number) =>
    s.ringback.createTone(groupId, { title, durationSeconds }).id;
  const welcome = tone('欢迎致电冀通装备（工作时间）', 30);
  const closed = tone('您好，现在是非工作时间', 25);
  const salesA = tone('冀通装备 产品介绍', 40);
  const salesB = tone('冀通装备 售后服务热线', 35);
  s.ringback.createPolicy(groupId, {
    name: '工作时间',
    appliesTo: { all: true },
    schedule: { start: '08:30', end: '17:30', calendar: 'workdays' },
    toneIds: [welcome],
    playback: 'single',
  });
  s.ringback.createPolicy(groupId, {
    name: '非工作时间',
    appliesTo: { all: true },
    toneIds: [closed],
    playback: 'single',
  });
  s.ringback.createPolicy(groupId, {
    name: '销售部轮播',
    appliesTo: { departments: ['销售部'] },
    toneIds: [salesA, salesB],
    playback: 'loop',
  });
  console.log('demo ringback: 4 tones, 3 policies (work hours, after hours, sales rotation)');
}

/** Subscriptions, so the demo group's bills carry recurring fees. */
function seedSubscriptions(groupId: string): void {
  if (s.billing.listSubscriptions(groupId).length > 0) return;
  for (const product of ['vpn', 'switchboard', 'ringback'] as const)
    s.billing.createSubscription(groupId, { product, startDate: '2026-01-01' });
  s.billing.createSubscription(groupId, {
    product: 'conference',
    packageId: 'conf-300',
    startDate: '2026-01-01',
  });
  console.log('demo subscriptions: vpn, switchboard, ringback, conference package conf-300');
}

/** A weekly meeting (周例会), scheduled for next Monday 09:00 in the group's zone. */
function seedConference(groupId: string): void {
  const admin = { kind: 'admin', id: 'admin', canSee: () => true } as const;
  if (s.conferences.list({ groupId }, { limit: 1 }, admin).items.length > 0) return;
  const members = s.members.list(groupId, {}, { limit: 500 }).items;
  const id = (name: string) => members.find((m) => m.name === name)!.id;
  const now = DateTime.fromMillis(s.clock.now(), { zone: 'Asia/Shanghai' });
  const monday = now.plus({ weeks: 1 }).startOf('week').set({ hour: 9 });
  const conference = s.conferences.create(
    {
      hostMsisdn: toE164('13803110001')!,
      groupId,
      title: '周例会',
      startAtMs: monday.toMillis(),
      durationMinutes: 60,
      participants: ['李华', '张兰', '赵磊', '孙悦'].map((name) => ({ memberId: id(name) })),
    },
    admin,
  );
  console.log(`demo conference: ${conference.id} 周例会 at ${monday.toISO()}, PIN ${conference.pin}`);
}

const app = await buildApp({ config: { ...loadConfig(), logLevel: 'warn' } });
const s = app.services;
try {
  const existing = s.groups.list({ limit: 500 }, null).items.find((g) => g.name === GROUP.name);
  if (existing) {
    console.log(`demo group already present: ${existing.id}`);
    seedSwitchboard(existing.id);
    seedRingback(existing.id);
    seedSubscriptions(existing.id);
    seedConference(existing.id);
  } else {
    const group = s.groups.create(GROUP);
    s.vpn.put(group.id, {
      shortCodeLength: { min: 3, max: 6 },
      crossProvince: false,
      showShortCode: true,
      onnetRateFenPerMinute: 5,
    });
    const byDepartment = new Map<string, string[]>();
    for (const [name, department, title, msisdn, shortCode] of PEOPLE) {
      const member = s.members.create(group.id, { msisdn, name, department, title });
      s.members.update(group.id, member.id, { shortCode });
      byDepartment.set(department, [...(byDepartment.get(department) ?? []), member.id]);
    }
    for (const sub of SUBGROUPS) {
      const subgroup = s.vpn.createSubgroup(group.id, {
        name: sub.name,
        shortCode: sub.shortCode,
        onnetRateFenPerMinute: sub.rate,
      });
      for (const department of sub.departments) {
        for (const memberId of byDepartment.get(department) ?? [])
          s.vpn.join(group.id, subgroup.id, memberId);
      }
    }
    console.log(`demo group created: ${group.id} (${GROUP.name}) with ${PEOPLE.length} members`);
    seedSwitchboard(group.id);
    seedRingback(group.id);
    seedSubscriptions(group.id);
    seedConference(group.id);
  }
} finally {
  await app.close();
}
