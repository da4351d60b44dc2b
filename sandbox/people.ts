/**
 * Demo holders and their licences, generated from a seed: fictitious Shanghai residents and
 * companies with valid check characters (GB 11643, GB 32100), each holding the licences
 * typical for them, plus the edge cases a clerk meets, each named in the holder's note.
 */
import { buildLicenceId, citizenIdCheckChar, CREDIT_CODE_ALPHABET } from '../shared/ids';
import type { HolderKind, JsonValue, LicenceStatus } from '../shared/library-api';
import { addDays } from '../shared/shanghai-time';
import { issuerOf, typeByTypeCode, typeOf, withCreditCheck, type TypeSpec } from './catalog';
import { issuerKid, RETIRED_KID } from './keys';
import { SeededRandom } from './random';

/** Dates of the demo data are laid out around this day, so ordinary licences stay valid for years. */
export const REFERENCE_DATE = '2026-01-01';

/** A holder as the sandbox stores it. */
export interface SeedHolder {
  idType: '111' | '001';
  idNumber: string;
  name: string;
  kind: HolderKind;
  note: string | null;
  hasPhone: boolean;
}

/** How a licence's signature is made: by its issuer, altered after signing, or by a retired key. */
export type Signing = 'normal' | 'tampered' | 'untrusted';

/** A licence as the sandbox stores it (its PDF and signature are made on first request). */
export interface SeedLicence {
  id: string;
  typeCode: string;
  holderId: string;
  issuerCode: string;
  issuerName: string;
  kid: string;
  serial: string;
  version: string;
  number: string;
  issuedAt: string;
  validFrom: string;
  validTo: string | null;
  status: LicenceStatus;
  statusChangedAt: string;
  supersededBy: string | null;
  fields: Record<string, JsonValue>;
  salts: Record<string, string>;
  signing: Signing;
}

/** Everything a seed generates. */
export interface SeedData {
  holders: SeedHolder[];
  licences: SeedLicence[];
}

const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈任姚卢傅钟姜崔谭陆范汪廖石金贾夏方邹熊白孟秦邱侯江尹薛段雷龙黎史陶贺顾毛郝龚邵万钱严武戴莫孔汤';
const MALE = '伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宁健浩凯俊帆昊晨宇轩博文亮';
const MALE_SECOND = '建国志海永庆立德家子天思嘉俊';
const FEMALE = '芳娜敏静丽艳娟霞秀玲桂英丹萍红琳雪颖佳倩婷慧欣怡悦妍琪';
const FEMALE_SECOND = '晓雅梦诗雨佳美婉欣紫';
const ETHNICITIES = ['汉', '汉', '汉', '汉', '汉', '汉', '汉', '回', '满', '蒙古', '朝鲜'];

interface District {
  code: string;
  name: string;
  streets: readonly string[];
}

const DISTRICTS: readonly District[] = [
  { code: '310101', name: '黄浦区', streets: ['南京东路', '淮海中路', '西藏南路', '复兴中路'] },
  { code: '310104', name: '徐汇区', streets: ['漕溪北路', '天钥桥路', '田林路', '龙华中路'] },
  { code: '310105', name: '长宁区', streets: ['天山路', '虹桥路', '愚园路', '仙霞路'] },
  { code: '310106', name: '静安区', streets: ['共和新路', '延长中路', '新闸路', '江宁路'] },
  { code: '310107', name: '普陀区', streets: ['真北路', '曹杨路', '武宁路', '铜川路'] },
  { code: '310109', name: '虹口区', streets: ['四川北路', '曲阳路', '大连西路', '水电路'] },
  { code: '310110', name: '杨浦区', streets: ['控江路', '国权路', '黄兴路', '延吉中路'] },
  { code: '310112', name: '闵行区', streets: ['莘松路', '七莘路', '虹井路', '都市路'] },
  { code: '310113', name: '宝山区', streets: ['牡丹江路', '友谊路', '共康路', '泰和路'] },
  { code: '310115', name: '浦东新区', streets: ['张杨路', '世纪大道', '锦绣路', '川沙路', '东方路', '浦建路'] },
  { code: '310117', name: '松江区', streets: ['人民北路', '荣乐东路', '广富林路'] },
  { code: '310120', name: '奉贤区', streets: ['南桥路', '解放东路', '环城东路'] },
];

const OTHER_REGIONS = ['320102', '330106', '340104', '420106', '510107', '410105'];

const COMPANY_WORDS = '瑞祥恒达鑫源华昌盛弘锦嘉和泰丰裕宏信诚德安康联创智汇博远晟启明星辰禾川';

function addYears(date: string, years: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const day = m === 2 && d === 29 ? 28 : d;
  return `${String(y + years).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function dotted(date: string): string {
  return date.replaceAll('-', '.');
}

function period(from: string, to: string | null): string {
  return `${dotted(from)}-${to === null ? '长期' : dotted(to)}`;
}

interface Person {
  holder: SeedHolder;
  gender: '男' | '女';
  birthDate: string;
  ethnicity: string;
  district: District;
  address: string;
  region: string;
}

interface Company {
  holder: SeedHolder;
  district: District;
  address: string;
  legalRepresentative: string;
  trade: Trade;
  established: string;
}

type Trade = 'store' | 'restaurant' | 'pharmacy' | 'logistics' | 'construction' | 'tech' | 'clinic' | 'chemical';

const TRADE_NAME: Record<Trade, string> = {
  store: '便利店管理有限公司',
  restaurant: '餐饮管理有限公司',
  pharmacy: '大药房有限公司',
  logistics: '物流有限公司',
  construction: '建设工程有限公司',
  tech: '信息科技有限公司',
  clinic: '医疗门诊部有限公司',
  chemical: '精细化工有限公司',
};

const TRADE_SCOPE: Record<Trade, string> = {
  store: '食品销售；烟草制品零售；日用百货销售；药品零售',
  restaurant: '餐饮服务；食品销售；餐饮管理',
  pharmacy: '药品零售；医疗器械经营；保健食品销售',
  logistics: '道路货物运输（不含危险货物）；国内货物运输代理；仓储服务',
  construction: '建设工程施工；建筑劳务分包；住宅室内装饰装修',
  tech: '技术服务、技术开发、技术咨询；软件开发；信息系统集成服务',
  clinic: '医疗服务；健康咨询服务（不含诊疗服务）',
  chemical: '化工产品生产（不含许可类化工产品）；化工产品销售',
};

/** The generator; one instance per seed. */
class Generator {
  private readonly rng: SeededRandom;
  private readonly usedIds = new Set<string>();
  private serial = 0;
  readonly holders: SeedHolder[] = [];
  readonly licences: SeedLicence[] = [];

  constructor(seed: string) {
    this.rng = new SeededRandom(`${seed}|demo-data`);
  }

  private personName(gender: '男' | '女'): string {
    const rng = this.rng;
    const surname = rng.pick([...SURNAMES]);
    if (gender === '男') return surname + (rng.chance(0.6) ? rng.pick([...MALE_SECOND]) : '') + rng.pick([...MALE]);
    return surname + (rng.chance(0.6) ? rng.pick([...FEMALE_SECOND]) : '') + rng.pick([...FEMALE]);
  }

  private citizenId(region: string, birthDate: string, gender: '男' | '女'): string {
    for (;;) {
      let order = this.rng.int(0, 499) * 2 + (gender === '男' ? 1 : 0);
      if (order === 0) order = 2;
      const first17 = `${region}${birthDate.replaceAll('-', '')}${String(order).padStart(3, '0')}`;
      const id = first17 + citizenIdCheckChar(first17);
      if (!this.usedIds.has(id)) {
        this.usedIds.add(id);
        return id;
      }
    }
  }

  private creditCode(region: string): string {
    for (;;) {
      const code = withCreditCheck(`91${region}${this.rng.chars(CREDIT_CODE_ALPHABET, 9)}`);
      if (!this.usedIds.has(code)) {
        this.usedIds.add(code);
        return code;
      }
    }
  }

  private address(district: District): string {
    const rng = this.rng;
    return `上海市${district.name}${rng.pick(district.streets)}${rng.int(1, 2800)}弄${rng.int(1, 80)}号${rng.int(1, 24)}0${rng.int(1, 6)}室`;
  }

  person(
    options: { birthYear?: [number, number]; gender?: '男' | '女'; outsider?: boolean; note?: string | null; hasPhone?: boolean; district?: string } = {},
  ): Person {
    const rng = this.rng;
    const gender = options.gender ?? (rng.chance(0.5) ? '男' : '女');
    const [from, to] = options.birthYear ?? [1945, 2004];
    const birthDate = `${rng.int(from, to)}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`;
    const district = options.district ? DISTRICTS.find((item) => item.code === options.district)! : rng.pick(DISTRICTS);
    const region = options.outsider ? rng.pick(OTHER_REGIONS) : district.code;
    const holder: SeedHolder = {
      idType: '111',
      idNumber: this.citizenId(region, birthDate, gender),
      name: this.personName(gender),
      kind: 'natural_person',
      note: options.note ?? null,
      hasPhone: options.hasPhone ?? true,
    };
    this.holders.push(holder);
    return { holder, gender, birthDate, ethnicity: rng.pick(ETHNICITIES), district, address: this.address(district), region };
  }

  company(trade: Trade, options: { note?: string | null; district?: string } = {}): Company {
    const rng = this.rng;
    const district = options.district
      ? DISTRICTS.find((item) => item.code === options.district)!
      : rng.pick(DISTRICTS.filter((item) => ['310101', '310104', '310115'].includes(item.code)));
    const holder: SeedHolder = {
      idType: '001',
      idNumber: this.creditCode(district.code),
      name: `上海${rng.pick([...COMPANY_WORDS])}${rng.pick([...COMPANY_WORDS])}${TRADE_NAME[trade]}`,
      kind: 'legal_person',
      note: options.note ?? null,
      hasPhone: true,
    };
    this.holders.push(holder);
    const established = `${rng.int(2008, 2021)}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`;
    return {
      holder,
      district,
      address: this.address(district).replace(/\d+室$/, `${rng.int(1, 3)}层`),
      legalRepresentative: this.personName(rng.chance(0.5) ? '男' : '女'),
      trade,
      established,
    };
  }

  private salts(spec: TypeSpec): Record<string, string> {
    const salts: Record<string, string> = {};
    for (const [key] of spec.fields) salts[key] = this.rng.hex(16);
    return salts;
  }

  private issuerFor(spec: TypeSpec, districtCode: string): string {
    const byDistrict: Record<string, string> = { '310115': 'Pd', '310104': 'Xh', '310101': 'Hp' };
    const suffix = byDistrict[districtCode];
    const local = spec.issuers.find((key) => suffix !== undefined && key.endsWith(suffix));
    return local ?? spec.issuers[this.rng.int(0, spec.issuers.length - 1)]!;
  }

  /** Issue dates such that ordinary licences stay valid for years after REFERENCE_DATE. */
  private dates(spec: TypeSpec, earliest: string): { validFrom: string; validTo: string | null } {
    const rng = this.rng;
    const match = /^(\d+)Y$/.exec(spec.validity);
    const years = match ? Number(match[1]) : null;
    const latestYear = 2025;
    const earliestYear = Math.max(Number(earliest.slice(0, 4)) + 1, years === null ? 2008 : 2029 - years, 2000);
    const year = Math.min(rng.int(earliestYear, Math.max(earliestYear, latestYear)), latestYear);
    const validFrom = `${year}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`;
    return { validFrom, validTo: years === null ? null : addYears(validFrom, years) };
  }

  issue(
    typeKey: string,
    holder: SeedHolder,
    districtCode: string,
    earliest: string,
    fieldsOf: (ctx: { number: string; validFrom: string; validTo: string | null; issuerName: string }) => Record<string, JsonValue>,
    numberOf: (validFrom: string) => string,
    overrides: Partial<Pick<SeedLicence, 'status' | 'signing' | 'validFrom' | 'validTo'>> = {},
  ): SeedLicence {
    const spec = typeOf(typeKey);
    const issuerKey = this.issuerFor(spec, districtCode);
    const issuer = issuerOf(issuerKey);
    const dates = this.dates(spec, earliest);
    const validFrom = overrides.validFrom ?? dates.validFrom;
    const validTo = overrides.validTo !== undefined ? overrides.validTo : dates.validTo;
    this.serial += 1;
    const serial = `${validFrom.slice(0, 4)}${String(this.serial).padStart(6, '0')}`;
    const version = '001';
    const number = numberOf(validFrom);
    const fields = fieldsOf({ number, validFrom, validTo, issuerName: issuer.name });
    const ordered: Record<string, JsonValue> = {};
    for (const [key] of spec.fields) ordered[key] = fields[key] ?? null;
    const issuedAt = `${validFrom}T0${this.rng.int(1, 8)}:${String(this.rng.int(0, 59)).padStart(2, '0')}:${String(this.rng.int(0, 59)).padStart(2, '0')}Z`;
    const signing = overrides.signing ?? 'normal';
    const status = overrides.status ?? 'valid';
    const licence: SeedLicence = {
      id: buildLicenceId({ typeCode: spec.code, issuerCode: issuer.code, serial, version }),
      typeCode: spec.code,
      holderId: holder.idNumber,
      issuerCode: issuer.code,
      issuerName: issuer.name,
      kid: signing === 'untrusted' ? RETIRED_KID : issuerKid(issuerKey),
      serial,
      version,
      number,
      issuedAt,
      validFrom,
      validTo,
      status,
      statusChangedAt: status === 'valid' ? issuedAt : `${REFERENCE_DATE}T01:00:00Z`,
      supersededBy: null,
      fields: ordered,
      salts: this.salts(spec),
      signing,
    };
    this.licences.push(licence);
    return licence;
  }

  // ---- natural-person licences

  idCard(p: Person, overrides: Parameters<Generator['issue']>[6] = {}): SeedLicence {
    const age = 2025 - Number(p.birthDate.slice(0, 4));
    return this.issue(
      'idCard',
      p.holder,
      p.district.code,
      addYears(p.birthDate, 16),
      (c) => ({
        name: p.holder.name,
        gender: p.gender,
        ethnicity: p.ethnicity,
        birthDate: p.birthDate,
        address: p.address,
        idNumber: p.holder.idNumber,
        issuingAuthority: c.issuerName,
        validPeriod: period(c.validFrom, c.validTo),
      }),
      () => p.holder.idNumber,
      age >= 46 ? { validTo: null, ...overrides } : overrides,
    );
  }

  household(p: Person, overrides: Parameters<Generator['issue']>[6] = {}): SeedLicence {
    const householdNumber = this.rng.digits(9);
    const isHead = this.rng.chance(0.6);
    return this.issue(
      'household',
      p.holder,
      p.district.code,
      p.birthDate,
      () => ({
        householdNumber,
        householderName: isHead ? p.holder.name : this.personName(this.rng.chance(0.5) ? '男' : '女'),
        name: p.holder.name,
        relation: isHead ? '户主' : this.rng.pick(['子', '女', '妻', '夫', '母', '父']),
        gender: p.gender,
        birthDate: p.birthDate,
        idNumber: p.holder.idNumber,
        address: p.address,
      }),
      () => householdNumber,
      overrides,
    );
  }

  private spouse(p: Person): { name: string; idNumber: string } {
    const gender = p.gender === '男' ? '女' : '男';
    const year = Number(p.birthDate.slice(0, 4)) + this.rng.int(-3, 3);
    const birth = `${year}-${String(this.rng.int(1, 12)).padStart(2, '0')}-${String(this.rng.int(1, 28)).padStart(2, '0')}`;
    return { name: this.personName(gender), idNumber: this.citizenId(this.rng.pick(DISTRICTS).code, birth, gender) };
  }

  marriage(p: Person, overrides: Parameters<Generator['issue']>[6] = {}, typeKey: 'marriage' | 'divorce' = 'marriage'): SeedLicence {
    const spouse = this.spouse(p);
    const prefix = typeKey === 'marriage' ? 'J' : 'L';
    return this.issue(
      typeKey,
      p.holder,
      p.district.code,
      addYears(p.birthDate, 22),
      (c) => ({
        name: p.holder.name,
        idNumber: p.holder.idNumber,
        spouseName: spouse.name,
        spouseIdNumber: spouse.idNumber,
        registrationDate: c.validFrom,
        certificateNumber: c.number,
        registrationAuthority: c.issuerName,
      }),
      (from) => `${prefix}${p.district.code}-${from.slice(0, 4)}-${this.rng.digits(6)}`,
      overrides,
    );
  }

  birth(p: Person): SeedLicence {
    const mother = this.spouse({ ...p, gender: '男' });
    const father = this.spouse({ ...p, gender: '女' });
    const fatherKnown = this.rng.chance(0.85);
    return this.issue(
      'birth',
      p.holder,
      p.district.code,
      p.birthDate,
      (c) => ({
        name: p.holder.name,
        gender: p.gender,
        birthDate: p.birthDate,
        birthPlace: `上海市${p.district.name}`,
        motherName: mother.name,
        motherIdNumber: mother.idNumber,
        fatherName: fatherKnown ? father.name : null,
        fatherIdNumber: fatherKnown ? father.idNumber : null,
        certificateNumber: c.number,
      }),
      () => `${this.rng.pick(['O', 'P', 'Q', 'R'])}${this.rng.digits(9)}`,
      { validFrom: addDays(p.birthDate, this.rng.int(1, 20)), validTo: null },
    );
  }

  driving(p: Person, overrides: Parameters<Generator['issue']>[6] = {}): SeedLicence {
    const firstIssue = addYears(p.birthDate, this.rng.int(19, 30));
    return this.issue(
      'driving',
      p.holder,
      p.district.code,
      firstIssue,
      (c) => ({
        licenceNumber: p.holder.idNumber,
        name: p.holder.name,
        gender: p.gender,
        nationality: '中国',
        address: p.address,
        birthDate: p.birthDate,
        firstIssueDate: firstIssue < c.validFrom ? firstIssue : c.validFrom,
        vehicleClass: this.rng.pick(['C1', 'C1', 'C2', 'B2', 'A2']),
        validPeriod: period(c.validFrom, c.validTo),
      }),
      () => p.holder.idNumber,
      overrides,
    );
  }

  vehicle(p: Person): SeedLicence {
    const plate = `沪${this.rng.pick(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'J', 'K', 'L', 'M', 'N'])}${this.rng.chars('0123456789ABCDEFGHJKLMNPQRSTUVWXYZ', 1)}${this.rng.digits(4)}`;
    const model = this.rng.pick(['大众牌SVW7153', '别克牌SGM7150', '荣威牌CSA7152', '比亚迪牌BYD7006', '特斯拉牌TSL7000']);
    return this.issue(
      'vehicle',
      p.holder,
      p.district.code,
      addYears(p.birthDate, 20),
      (c) => ({
        plateNumber: plate,
        vehicleType: '小型轿车',
        owner: p.holder.name,
        address: p.address,
        useCharacter: '非营运',
        model,
        vin: `L${this.rng.chars('0123456789ABCDEFGHJKLMNPRSTUVWXYZ', 16)}`,
        registerDate: c.validFrom,
      }),
      () => plate,
    );
  }

  estate(p: Person, overrides: Parameters<Generator['issue']>[6] = {}, area?: number): SeedLicence {
    const short = p.district.name.slice(0, 1);
    const location = `${p.district.name}${this.rng.pick(p.district.streets)}${this.rng.int(1, 2800)}弄${this.rng.int(1, 80)}号${this.rng.int(1, 30)}0${this.rng.int(1, 4)}室`;
    const coOwned = this.rng.chance(0.5);
    const size = area ?? Math.round(this.rng.int(4000, 16000)) / 100;
    return this.issue(
      'estate',
      p.holder,
      p.district.code,
      addYears(p.birthDate, 23),
      (c) => ({
        certificateNumber: c.number,
        obligee: p.holder.name,
        coOwnership: coOwned ? '共同共有' : '单独所有',
        location,
        unitNumber: `${p.district.code}${this.rng.digits(6)}GB${this.rng.digits(5)}F${this.rng.digits(8)}`,
        rightType: '国有建设用地使用权/房屋所有权',
        usage: '住宅',
        area: size,
        period: `${dotted(addYears(c.validFrom, -5))}起70年`,
      }),
      (from) => `沪（${from.slice(0, 4)}）${short}字不动产权第${this.rng.digits(6)}号`,
      overrides,
    );
  }

  degree(p: Person): SeedLicence {
    const institution = this.rng.pick(['复旦大学', '上海交通大学', '同济大学', '华东师范大学', '上海大学', '华东理工大学', '上海财经大学']);
    const degree = this.rng.pick(['工学学士', '理学学士', '文学学士', '管理学学士', '法学学士', '工学硕士', '经济学硕士']);
    const award = `${Number(p.birthDate.slice(0, 4)) + 22}-06-${String(this.rng.int(20, 30))}`;
    return this.issue(
      'degree',
      p.holder,
      p.district.code,
      p.birthDate,
      (c) => ({
        name: p.holder.name,
        gender: p.gender,
        birthDate: p.birthDate,
        degree,
        institution,
        awardDate: award,
        certificateNumber: c.number,
      }),
      () => `10${this.rng.digits(14)}`,
      { validFrom: award, validTo: null },
    );
  }

  diploma(p: Person): SeedLicence {
    const school = this.rng.pick(['复旦大学', '上海交通大学', '同济大学', '华东师范大学', '上海大学', '上海理工大学', '上海师范大学']);
    const major = this.rng.pick(['计算机科学与技术', '汉语言文学', '会计学', '临床医学', '土木工程', '英语', '法学', '数学与应用数学']);
    const graduation = `${Number(p.birthDate.slice(0, 4)) + 22}-07-01`;
    return this.issue(
      'diploma',
      p.holder,
      p.district.code,
      p.birthDate,
      (c) => ({
        name: p.holder.name,
        gender: p.gender,
        birthDate: p.birthDate,
        school,
        major,
        educationLevel: this.rng.pick(['本科', '本科', '硕士研究生', '专科']),
        graduationDate: graduation,
        certificateNumber: c.number,
      }),
      () => `10${this.rng.digits(16)}`,
      { validFrom: graduation, validTo: null },
    );
  }

  socialCard(p: Person): SeedLicence {
    return this.issue(
      'socialCard',
      p.holder,
      p.district.code,
      addYears(p.birthDate, 1),
      (c) => ({
        name: p.holder.name,
        gender: p.gender,
        idNumber: p.holder.idNumber,
        cardNumber: c.number,
        issueDate: c.validFrom,
        bank: this.rng.pick(['中国工商银行', '中国建设银行', '中国银行', '交通银行', '上海银行', '上海农商银行']),
      }),
      () => `${this.rng.pick(['A', 'B', 'C', 'D'])}${this.rng.digits(8)}`,
    );
  }

  disability(p: Person): SeedLicence {
    return this.issue(
      'disability',
      p.holder,
      p.district.code,
      p.birthDate,
      (c) => ({
        name: p.holder.name,
        gender: p.gender,
        idNumber: p.holder.idNumber,
        disabilityCategory: this.rng.pick(['肢体', '视力', '听力', '言语']),
        disabilityLevel: this.rng.pick(['一级', '二级', '三级', '四级']),
        address: p.address,
        certificateNumber: c.number,
      }),
      () => `${p.holder.idNumber}${this.rng.int(4, 7)}${this.rng.int(1, 4)}`,
    );
  }

  residence(p: Person): SeedLicence {
    return this.issue(
      'residence',
      p.holder,
      p.district.code,
      addYears(p.birthDate, 18),
      (c) => ({
        name: p.holder.name,
        gender: p.gender,
        idNumber: p.holder.idNumber,
        address: p.address,
        issueDate: c.validFrom,
        validPeriod: period(c.validFrom, c.validTo),
        cardNumber: c.number,
      }),
      () => `31${this.rng.digits(14)}`,
    );
  }

  vocational(p: Person): SeedLicence {
    return this.issue(
      'vocational',
      p.holder,
      p.district.code,
      addYears(p.birthDate, 20),
      (c) => ({
        name: p.holder.name,
        idNumber: p.holder.idNumber,
        occupation: this.rng.pick(['电工', '育婴员', '中式烹调师', '养老护理员', '计算机程序设计员', '美容师']),
        level: this.rng.pick(['五级/初级工', '四级/中级工', '三级/高级工', '二级/技师']),
        certificateNumber: c.number,
        issueDate: c.validFrom,
        issuingAuthority: c.issuerName,
      }),
      () => `S${this.rng.digits(6)}310000${this.rng.digits(6)}`,
    );
  }

  teacher(p: Person): SeedLicence {
    return this.issue(
      'teacher',
      p.holder,
      p.district.code,
      addYears(p.birthDate, 21),
      (c) => ({
        name: p.holder.name,
        gender: p.gender,
        idNumber: p.holder.idNumber,
        qualificationType: this.rng.pick(['小学教师资格', '初级中学教师资格', '高级中学教师资格']),
        subject: this.rng.pick(['语文', '数学', '英语', '物理', '音乐']),
        certificateNumber: c.number,
        issueDate: c.validFrom,
      }),
      (from) => `${from.slice(0, 4)}31${this.rng.digits(11)}`,
    );
  }

  physician(p: Person): SeedLicence {
    return this.issue(
      'physician',
      p.holder,
      p.district.code,
      addYears(p.birthDate, 25),
      (c) => ({
        name: p.holder.name,
        gender: p.gender,
        idNumber: p.holder.idNumber,
        category: '临床',
        practiceScope: this.rng.pick(['内科专业', '外科专业', '儿科专业', '全科医学专业']),
        practiceSite: this.rng.pick(['上海市第一人民医院', '上海市第六人民医院', '上海市浦东新区人民医院']),
        certificateNumber: c.number,
        issueDate: c.validFrom,
      }),
      () => `1103100000${this.rng.digits(5)}`,
    );
  }

  seniorCard(p: Person): SeedLicence {
    return this.issue(
      'seniorCard',
      p.holder,
      p.district.code,
      addYears(p.birthDate, 60),
      (c) => ({
        name: p.holder.name,
        gender: p.gender,
        idNumber: p.holder.idNumber,
        cardNumber: c.number,
        issueDate: c.validFrom,
      }),
      () => `JLK${this.rng.digits(10)}`,
    );
  }

  veteran(p: Person): SeedLicence {
    return this.issue(
      'veteran',
      p.holder,
      p.district.code,
      '2021-01-01',
      (c) => ({
        name: p.holder.name,
        gender: p.gender,
        idNumber: p.holder.idNumber,
        certificateNumber: c.number,
        issueDate: c.validFrom,
      }),
      () => `31${this.rng.digits(16)}`,
      { validFrom: `202${this.rng.int(2, 5)}-0${this.rng.int(1, 9)}-1${this.rng.int(0, 9)}`, validTo: null },
    );
  }

  // ---- legal-person licences

  private companyFields(c: Company): Record<string, JsonValue> {
    return { companyName: c.holder.name, creditCode: c.holder.idNumber, legalRepresentative: c.legalRepresentative, domicile: c.address, premises: c.address };
  }

  business(c: Company, overrides: Parameters<Generator['issue']>[6] = {}): SeedLicence {
    return this.issue(
      'business',
      c.holder,
      c.district.code,
      c.established,
      (ctx) => ({
        ...this.companyFields(c),
        companyType: '有限责任公司（自然人投资或控股）',
        businessScope: TRADE_SCOPE[c.trade],
        registeredCapital: `人民币${this.rng.pick([50, 100, 200, 500, 1000, 3000])}万元整`,
        establishedDate: c.established,
        businessTerm: `${dotted(c.established)}至无固定期限`,
        registrationAuthority: ctx.issuerName,
      }),
      () => c.holder.idNumber,
      { validFrom: overrides.validFrom ?? addDays(c.established, this.rng.int(0, 2000)), validTo: null, ...overrides },
    );
  }

  food(c: Company, overrides: Parameters<Generator['issue']>[6] = {}): SeedLicence {
    return this.issue(
      'food',
      c.holder,
      c.district.code,
      c.established,
      (ctx) => ({
        ...this.companyFields(c),
        mainBusiness: c.trade === 'restaurant' ? '餐饮服务经营者' : '食品销售经营者',
        businessItems: c.trade === 'restaurant' ? '热食类食品制售；冷食类食品制售' : '预包装食品（含冷藏冷冻食品）销售；散装食品销售',
        licenceNumber: ctx.number,
        validTo: ctx.validTo,
      }),
      () => `JY${this.rng.pick(['1', '2', '3'])}${c.district.code}${this.rng.digits(7)}`,
      overrides,
    );
  }

  drug(c: Company): SeedLicence {
    return this.issue(
      'drug',
      c.holder,
      c.district.code,
      c.established,
      (ctx) => ({
        ...this.companyFields(c),
        qualityManager: this.personName(this.rng.chance(0.5) ? '男' : '女'),
        businessMode: '零售（连锁）',
        businessScope: '处方药、甲类非处方药、乙类非处方药：中成药、化学药制剂、抗生素制剂、生化药品',
        licenceNumber: ctx.number,
        validTo: ctx.validTo,
      }),
      () => `沪CB${this.rng.digits(7)}`,
    );
  }

  industry(c: Company): SeedLicence {
    return this.issue(
      'industry',
      c.holder,
      '310115',
      c.established,
      (ctx) => ({
        ...this.companyFields(c),
        industryCategory: c.trade === 'pharmacy' ? '药店' : c.trade === 'restaurant' ? '饭店' : '便利店',
        includedPermits: '食品经营许可；药品经营许可（零售）；公共场所卫生许可；烟草专卖零售许可',
        licenceNumber: ctx.number,
        validTo: ctx.validTo,
      }),
      () => `浦（${this.rng.int(2021, 2025)}）综证字第${this.rng.digits(6)}号`,
      { validFrom: `${this.rng.int(2022, 2025)}-0${this.rng.int(1, 9)}-1${this.rng.int(0, 9)}` },
    );
  }

  clinic(c: Company): SeedLicence {
    return this.issue(
      'clinic',
      c.holder,
      c.district.code,
      c.established,
      (ctx) => ({
        ...this.companyFields(c),
        medicalSubjects: '内科；外科；口腔科；医学检验科',
        ownership: '私营',
        licenceNumber: ctx.number,
        validPeriod: period(ctx.validFrom, ctx.validTo),
      }),
      () => `PDY${this.rng.digits(8)}-${this.rng.digits(5)}`,
    );
  }

  pollution(c: Company): SeedLicence {
    return this.issue(
      'pollution',
      c.holder,
      c.district.code,
      c.established,
      (ctx) => ({
        ...this.companyFields(c),
        industryCategory: '专用化学产品制造',
        licenceNumber: ctx.number,
        validPeriod: period(ctx.validFrom, ctx.validTo),
      }),
      () => `${c.holder.idNumber}001P`,
    );
  }

  transport(c: Company): SeedLicence {
    return this.issue(
      'transport',
      c.holder,
      c.district.code,
      c.established,
      (ctx) => ({
        ...this.companyFields(c),
        businessScope: '道路普通货物运输；货物专用运输（集装箱）',
        licenceNumber: ctx.number,
        validPeriod: period(ctx.validFrom, ctx.validTo),
      }),
      () => `沪交运管许可${this.rng.pick(['浦', '徐', '黄'])}字${this.rng.digits(9)}号`,
    );
  }

  construction(c: Company): SeedLicence {
    return this.issue(
      'construction',
      c.holder,
      c.district.code,
      c.established,
      (ctx) => ({
        ...this.companyFields(c),
        qualification: '建筑工程施工总承包贰级；建筑装修装饰工程专业承包贰级',
        certificateNumber: ctx.number,
        validPeriod: period(ctx.validFrom, ctx.validTo),
      }),
      () => `D2${this.rng.digits(8)}`,
    );
  }

  hygiene(c: Company): SeedLicence {
    return this.issue(
      'hygiene',
      c.holder,
      c.district.code,
      c.established,
      (ctx) => ({
        ...this.companyFields(c),
        permittedItems: c.trade === 'store' ? '商场（店）' : '美容店、理发店',
        licenceNumber: ctx.number,
        validPeriod: period(ctx.validFrom, ctx.validTo),
      }),
      () => `沪卫公字[${this.rng.int(2022, 2025)}]第${this.rng.digits(6)}号`,
    );
  }

  roll(): number {
    return this.rng.next();
  }

  pickTrade(trades: readonly Trade[]): Trade {
    return this.rng.pick(trades);
  }

  supersede(old: SeedLicence, changes: Record<string, JsonValue>): SeedLicence {
    const spec = typeByTypeCode(old.typeCode)!;
    const version = String(Number(old.version) + 1).padStart(3, '0');
    const next: SeedLicence = {
      ...old,
      id: buildLicenceId({ typeCode: old.typeCode, issuerCode: old.issuerCode, serial: old.serial, version }),
      version,
      issuedAt: `2025-0${this.rng.int(1, 9)}-1${this.rng.int(0, 9)}T02:00:00Z`,
      fields: { ...old.fields, ...changes },
      salts: this.salts(spec),
      status: 'valid',
    };
    next.statusChangedAt = next.issuedAt;
    old.status = 'superseded';
    old.statusChangedAt = next.issuedAt;
    old.supersededBy = next.id;
    this.licences.push(next);
    return next;
  }
}

/** Notes of the edge-case holders, for the README and the tests. */
export const EDGE_NOTES = {
  expired: '机动车驾驶证已过有效期（状态：已过期）',
  revoked: '机动车驾驶证已被吊销（状态：已撤销）',
  suspended: '机动车驾驶证被暂扣（状态：暂扣）',
  superseded: '不动产权证书已更正换发：旧版本已被新版本取代',
  notInLibrary: '结婚证尚未归集入库（第八条：制发与归集存在时间差）',
  tampered: '居民户口簿的签名无法验证（数据被篡改）',
  untrusted: '结婚证由不在信任列表中的密钥签名',
  noPhone: '高龄老人，没有手机，只能凭身份证依职能授权办理',
  companyRevoked: '食品经营许可证已被吊销（状态：已撤销）',
  companyCancelled: '营业执照已注销（状态：已注销）',
  companyExpired: '食品经营许可证已过有效期（状态：已过期）',
} as const;

/** Generates the demo holders and licences of a seed. */
export function generateSeedData(seed: string): SeedData {
  const g = new Generator(seed);

  // Holders worth knowing (README): a citizen who holds every licence of the big matters.
  const full = g.person({ birthYear: [1997, 1997], district: '310115' });
  g.idCard(full);
  g.household(full);
  g.birth(full);
  g.marriage(full);
  g.driving(full);
  g.vehicle(full);
  g.estate(full);
  g.degree(full);
  g.diploma(full);
  g.socialCard(full);
  g.vocational(full);
  g.teacher(full);
  const senior = g.person({ birthYear: [1952, 1952], district: '310104' });
  g.idCard(senior);
  g.household(senior);
  g.seniorCard(senior);
  g.veteran(senior);
  g.disability(senior);
  g.socialCard(senior);
  g.estate(senior);
  g.marriage(senior);
  const newcomer = g.person({ birthYear: [1993, 1993], outsider: true, district: '310115' });
  g.idCard(newcomer);
  g.residence(newcomer);
  g.socialCard(newcomer);
  g.driving(newcomer);
  g.diploma(newcomer);
  g.degree(newcomer);
  const doctor = g.person({ birthYear: [1985, 1985], district: '310101' });
  g.idCard(doctor);
  g.household(doctor);
  g.physician(doctor);
  g.diploma(doctor);
  g.degree(doctor);
  g.socialCard(doctor);

  // Edge cases, each named in the holder's note.
  const expired = g.person({ birthYear: [1975, 1985], note: EDGE_NOTES.expired });
  g.idCard(expired);
  g.household(expired);
  g.driving(expired, { status: 'expired', validFrom: '2015-09-30', validTo: '2025-09-30' });
  const revoked = g.person({ birthYear: [1970, 1990], note: EDGE_NOTES.revoked });
  g.idCard(revoked);
  g.household(revoked);
  g.driving(revoked, { status: 'revoked' });
  const suspended = g.person({ birthYear: [1970, 1990], note: EDGE_NOTES.suspended });
  g.idCard(suspended);
  g.household(suspended);
  g.driving(suspended, { status: 'suspended' });
  const superseded = g.person({ birthYear: [1965, 1985], note: EDGE_NOTES.superseded });
  g.idCard(superseded);
  g.household(superseded);
  g.marriage(superseded);
  const oldEstate = g.estate(superseded, {}, 89.5);
  g.supersede(oldEstate, { area: 91.27 });
  const lagging = g.person({ birthYear: [1994, 1998], note: EDGE_NOTES.notInLibrary });
  g.idCard(lagging);
  g.household(lagging);
  g.socialCard(lagging);
  const tampered = g.person({ birthYear: [1960, 1990], note: EDGE_NOTES.tampered });
  g.idCard(tampered);
  g.household(tampered, { signing: 'tampered' });
  g.marriage(tampered);
  const untrusted = g.person({ birthYear: [1960, 1990], note: EDGE_NOTES.untrusted, district: '310115' });
  g.idCard(untrusted);
  g.household(untrusted);
  g.marriage(untrusted, { signing: 'untrusted' });
  const noPhone = g.person({ birthYear: [1934, 1938], note: EDGE_NOTES.noPhone, hasPhone: false });
  g.idCard(noPhone);
  g.household(noPhone);
  g.seniorCard(noPhone);
  g.socialCard(noPhone);

  // Ordinary citizens with the licences typical for their age.
  while (g.holders.filter((holder) => holder.kind === 'natural_person').length < 212) {
    const outsider = gChance(g, 0.12);
    const p = g.person({ outsider });
    const year = Number(p.birthDate.slice(0, 4));
    const age = 2026 - year;
    g.idCard(p);
    if (outsider) g.residence(p);
    else if (gChance(g, 0.92)) g.household(p);
    if (year >= 1996 && gChance(g, 0.8)) g.birth(p);
    if (age >= 18) g.socialCard(p);
    if (age >= 24 && age <= 75) {
      const roll = g.roll();
      if (roll < 0.6) g.marriage(p);
      else if (roll < 0.66) g.marriage(p, {}, 'divorce');
    }
    if (age >= 20 && age <= 70 && gChance(g, 0.5)) {
      g.driving(p);
      if (gChance(g, 0.5)) g.vehicle(p);
    }
    if (age >= 28 && gChance(g, 0.4)) g.estate(p);
    if (age >= 23 && year >= 1965 && gChance(g, 0.65)) {
      g.diploma(p);
      if (gChance(g, 0.7)) g.degree(p);
    }
    if (age >= 22 && age <= 60 && gChance(g, 0.2)) g.vocational(p);
    if (age >= 24 && age <= 60 && gChance(g, 0.05)) g.teacher(p);
    if (age >= 28 && age <= 65 && gChance(g, 0.04)) g.physician(p);
    if (gChance(g, 0.03)) g.disability(p);
    if (age >= 60 && !outsider) g.seniorCard(p);
    if (age >= 40 && gChance(g, 0.04)) g.veteran(p);
  }

  // Companies worth knowing: a 一业一证 convenience store, a logistics firm, a clinic.
  const store = g.company('store', { district: '310115' });
  g.business(store);
  g.food(store);
  g.drug(store);
  g.industry(store);
  g.hygiene(store);
  const logistics = g.company('logistics', { district: '310104' });
  g.business(logistics);
  g.transport(logistics);
  g.construction(logistics);
  g.pollution(logistics);
  const clinic = g.company('clinic', { district: '310101' });
  g.business(clinic);
  g.clinic(clinic);
  g.hygiene(clinic);
  const foodRevoked = g.company('restaurant', { note: EDGE_NOTES.companyRevoked });
  g.business(foodRevoked);
  g.food(foodRevoked, { status: 'revoked' });
  const cancelled = g.company('tech', { note: EDGE_NOTES.companyCancelled });
  g.business(cancelled, { status: 'cancelled' });
  const foodExpired = g.company('restaurant', { note: EDGE_NOTES.companyExpired });
  g.business(foodExpired);
  g.food(foodExpired, { status: 'expired', validFrom: '2020-08-15', validTo: '2025-08-14' });

  const trades: Trade[] = ['store', 'restaurant', 'restaurant', 'pharmacy', 'logistics', 'construction', 'tech', 'tech', 'clinic', 'chemical'];
  while (g.holders.filter((holder) => holder.kind === 'legal_person').length < 56) {
    const c = g.company(g.pickTrade(trades));
    g.business(c);
    if (c.trade === 'store' || c.trade === 'restaurant') g.food(c);
    if (c.trade === 'store' && gChance(g, 0.5)) {
      g.industry(c);
      g.hygiene(c);
    }
    if (c.trade === 'pharmacy') {
      g.drug(c);
      if (gChance(g, 0.4)) g.food(c);
    }
    if (c.trade === 'logistics') g.transport(c);
    if (c.trade === 'construction') g.construction(c);
    if (c.trade === 'clinic') {
      g.clinic(c);
      g.hygiene(c);
    }
    if (c.trade === 'chemical') g.pollution(c);
  }
  return { holders: g.holders, licences: g.licences };
}

function gChance(g: Generator, p: number): boolean {
  return g.roll() < p;
}
