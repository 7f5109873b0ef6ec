/**
 * The demo customer: a Hebei equipment maker with every product the service simulates. Numbers
 * are written as a customer types them; the API normalises them (E.164) like any caller's.
 */

export const DEMO_GROUP = {
  name: '河北冀通装备制造有限公司',
  institutionType: 'enterprise',
  valueTier: 'A2',
  province: 'CN-HE',
  city: '石家庄',
} as const;

export const DEMO_VPN = {
  shortCodeLength: { min: 3, max: 6 },
  crossProvince: false,
  showShortCode: true,
  onnetRateFenPerMinute: 5,
} as const;

export interface DemoPerson {
  name: string;
  department: string;
  title: string;
  msisdn: string;
  shortCode: string;
}

const person = (name: string, department: string, title: string, msisdn: string, shortCode: string) => ({
  name,
  department,
  title,
  msisdn,
  shortCode,
});

export const DEMO_PEOPLE: DemoPerson[] = [
  person('王明', '总经理办公室', '总经理', '13803110001', '6001'),
  person('李华', '总经理办公室', '秘书', '13803110002', '6002'),
  person('张兰', '信息中心', '主任', '13803110003', '6201'),
  person('刘洋', '信息中心', '网络工程师', '13803110004', '6202'),
  person('陈静', '信息中心', '系统管理员', '13803110005', '6203'),
  person('杨帆', '信息中心', '开发工程师', '13803110006', '6204'),
  person('赵磊', '销售部', '经理', '13803110007', '6301'),
  person('黄丽', '销售部', '销售代表', '13803110008', '6302'),
  person('周杰', '销售部', '销售代表', '13803110009', '6303'),
  person('吴敏', '销售部', '销售代表', '13803110010', '6304'),
  person('徐强', '销售部', '区域经理', '13803110011', '6305'),
  person('孙悦', '财务部', '经理', '13803110012', '6401'),
  person('马超', '财务部', '会计', '13803110013', '6402'),
  person('朱琳', '财务部', '出纳', '13803110014', '6403'),
  person('胡军', '人力资源部', '经理', '13803110015', '6501'),
  person('郭婷', '人力资源部', '招聘专员', '13803110016', '6502'),
  person('何伟', '生产部', '厂长', '13803110017', '6601'),
  person('高峰', '生产部', '车间主任', '13803110018', '6602'),
  person('林涛', '生产部', '质检员', '13803110019', '6603'),
  person('罗刚', '生产部', '调度员', '13803110020', '6604'),
  person('郑爽', '采购部', '经理', '13803110021', '6701'),
  person('梁晨', '采购部', '采购员', '13803110022', '6702'),
  person('宋佳', '行政部', '前台', '13803110023', '6801'),
  person('谢飞', '行政部', '司机', '13803110024', '6802'),
  person('韩雪', '客服中心', '主管', '13803110025', '6901'),
  person('唐宁', '客服中心', '客服专员', '13803110026', '6902'),
  person('冯毅', '客服中心', '客服专员', '13803110027', '6903'),
  person('单雄', '安全环保部', '安全员', '13803110028', '6951'),
  person('曾丽', '技术研发部', '总工程师', '13803110029', '6961'),
  person('欧阳明', '技术研发部', '研发工程师', '13803110030', '6962'),
];

/** Sub-groups (灵活组网) with their own short code and on-net rate, filled by department. */
export const DEMO_SUBGROUPS = [
  { name: '管理层', shortCode: '8000', onnetRateFenPerMinute: 0, departments: ['总经理办公室'] },
  { name: '销售团队', shortCode: '8300', onnetRateFenPerMinute: 3, departments: ['销售部'] },
  { name: '信息中心', shortCode: '8200', onnetRateFenPerMinute: 2, departments: ['信息中心'] },
];

/** The company's Shijiazhuang switchboard number (总机号码). */
export const DEMO_PILOT = '0311-86660000';

/** The switchboard; `{member: name}` in the menu stands for that member's id. */
export const DEMO_SWITCHBOARD = {
  pilotNumber: DEMO_PILOT,
  greeting: '您好，欢迎致电河北冀通装备制造有限公司。',
  afterHoursGreeting: '您好，现在是非工作时间，我们的工作时间是周一至周五上午八点半至下午五点半。',
  businessHours: { weekdays: [1, 2, 3, 4, 5], start: '08:30', end: '17:30' },
  outboundPrefix: '9',
  fallback: 'operator',
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
            '2': { action: 'member', member: '曾丽' },
            '0': { action: 'operator' },
          },
        },
      },
      '3': { action: 'extension', extension: '8401' },
      '4': { action: 'member', member: '李华' },
      '0': { action: 'operator' },
    },
  },
};

/** Extension (分机) → member name. */
export const DEMO_EXTENSIONS: Array<[string, string]> = [
  ['8001', '王明'],
  ['8002', '李华'],
  ['8201', '张兰'],
  ['8301', '赵磊'],
  ['8401', '孙悦'],
  ['8901', '韩雪'],
  ['8961', '曾丽'],
];

/** The operator desk (人工话务台): the front desk on duty, a customer-service agent off. */
export const DEMO_OPERATORS: Array<[string, 'available' | 'busy' | 'offline']> = [
  ['宋佳', 'available'],
  ['唐宁', 'offline'],
];

/** Group ringback (集团彩铃) tones: title → duration in seconds. */
export const DEMO_TONES: Array<[string, number]> = [
  ['欢迎致电冀通装备（工作时间）', 30],
  ['您好，现在是非工作时间', 25],
  ['冀通装备 产品介绍', 40],
  ['冀通装备 售后服务热线', 35],
];

/**
 * A work-hours tone on working days (by the group's calendar, so 调休 Saturdays count), an
 * after-hours tone otherwise, and the sales team's own tones in rotation at any hour.
 */
export const DEMO_POLICIES = [
  {
    name: '工作时间',
    appliesTo: { all: true },
    schedule: { start: '08:30', end: '17:30', calendar: 'workdays' },
    tones: ['欢迎致电冀通装备（工作时间）'],
    playback: 'single',
  },
  { name: '非工作时间', appliesTo: { all: true }, tones: ['您好，现在是非工作时间'], playback: 'single' },
  {
    name: '销售部轮播',
    appliesTo: { departments: ['销售部'] },
    tones: ['冀通装备 产品介绍', '冀通装备 售后服务热线'],
    playback: 'loop',
  },
];

/** The group's shared external contacts. */
export const DEMO_GROUP_CONTACTS = [
  { name: '王建国', msisdn: '13931188001', department: '邯郸钢材供应商', note: '钢材采购对接人' },
  { name: '石家庄市应急管理局', msisdn: '0311-87654321', department: null, note: '安全生产检查' },
];

/** 王明's own address book. */
export const DEMO_PERSONAL_CONTACTS = {
  owner: '13803110001',
  contacts: [{ name: '陈立', msisdn: '13931188002', department: null, note: '老同学' }],
};

/** Simulated subscribers who act by themselves when called (the others wait for an action). */
export const DEMO_BEHAVIOURS = [
  { name: '冯毅', behaviour: 'answer', afterSeconds: 3 },
  { name: '谢飞', behaviour: 'no_answer', afterSeconds: 20 },
  { name: '单雄', behaviour: 'busy', afterSeconds: 0 },
] as const;

/** Product subscriptions from the first of the current month, so this month's bill has lines. */
export const DEMO_SUBSCRIPTIONS = [
  { product: 'vpn' },
  { product: 'switchboard' },
  { product: 'ringback' },
  { product: 'conference', packageId: 'conf-300' },
] as const;

/** The weekly meeting (周例会), next Monday 09:00 in the group's zone, with the supplier. */
export const DEMO_CONFERENCE = {
  title: '周例会',
  host: '王明',
  members: ['李华', '张兰', '赵磊', '孙悦'],
  contacts: ['王建国'],
  durationMinutes: 60,
};
