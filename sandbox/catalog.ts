/**
 * The sandbox's issuance catalog (Art. 7), issuers and matters with their usage lists. These
 * are fixed reference data, the same for every seed: only holders, licences and keys vary
 * with the seed.
 */
import { canonicalJson } from '../shared/canonical-json';
import { creditCodeCheckChar } from '../shared/ids';
import type { CatalogResponse, FaceFieldType, HolderType, LicenceType, Matter, MattersResponse, Scenario, StandardLevel } from '../shared/library-api';
import { sm3Hex } from '../shared/sm';

/** A USCC from its first 17 characters. */
export function withCreditCheck(first17: string): string {
  return first17 + creditCodeCheckChar(first17);
}

function governmentCode(region: string, serial: number): string {
  return withCreditCheck(`11${region}MB${String(serial).padStart(7, '0')}`);
}

interface Authority {
  code: string;
  name: string;
  level: StandardLevel;
}

const authority = (first17: string, name: string, level: StandardLevel): Authority => ({ code: withCreditCheck(first17), name, level });

const AUTHORITIES = {
  mps: authority('11100000000013127', '中华人民共和国公安部', 'national'),
  mca: authority('11100000000014004', '中华人民共和国民政部', 'national'),
  nhc: authority('11100000MB0161234', '国家卫生健康委员会', 'national'),
  mnr: authority('11100000MB0001234', '中华人民共和国自然资源部', 'national'),
  degree: authority('11100000000016001', '国务院学位委员会', 'national'),
  moe: authority('11100000000017234', '中华人民共和国教育部', 'national'),
  mohrss: authority('11100000000018345', '中华人民共和国人力资源和社会保障部', 'national'),
  cdpf: authority('51100000500000123', '中国残疾人联合会', 'national'),
  mva: authority('11100000MB1950123', '中华人民共和国退役军人事务部', 'national'),
  samr: authority('11100000MB0143123', '国家市场监督管理总局', 'national'),
  nmpa: authority('11100000MB0160123', '国家药品监督管理局', 'national'),
  mee: authority('11100000000019456', '中华人民共和国生态环境部', 'national'),
  mot: authority('11100000000012345', '中华人民共和国交通运输部', 'national'),
  mohurd: authority('11100000000013456', '中华人民共和国住房和城乡建设部', 'national'),
  shPolice: authority('11310000002417123', '上海市公安局', 'municipal'),
  shCivil: authority('11310000002419123', '上海市民政局', 'municipal'),
  shGov: authority('11310000002400123', '上海市人民政府办公厅', 'municipal'),
} as const;

/** An issuing unit: each has its own SM2 `licence` key in the trust list. */
export interface Issuer {
  key: string;
  code: string;
  name: string;
}

const issuer = (key: string, region: string, serial: number, name: string): Issuer => ({ key, code: governmentCode(region, serial), name });

/** Every issuer of the sandbox, district bureaus and municipal ones. */
export const ISSUERS: readonly Issuer[] = [
  issuer('policePd', '310115', 1201, '上海市公安局浦东分局'),
  issuer('policeXh', '310104', 1202, '上海市公安局徐汇分局'),
  issuer('policeHp', '310101', 1203, '上海市公安局黄浦分局'),
  issuer('traffic', '310000', 1204, '上海市公安局交通警察总队'),
  issuer('civilPd', '310115', 2301, '上海市浦东新区民政局'),
  issuer('civilXh', '310104', 2302, '上海市徐汇区民政局'),
  issuer('civilSh', '310000', 2303, '上海市民政局'),
  issuer('health', '310000', 3401, '上海市卫生健康委员会'),
  issuer('healthPd', '310115', 3402, '上海市浦东新区卫生健康委员会'),
  issuer('healthXh', '310104', 3403, '上海市徐汇区卫生健康委员会'),
  issuer('estate', '310000', 4501, '上海市不动产登记局'),
  issuer('education', '310000', 5601, '上海市教育委员会'),
  issuer('hrss', '310000', 6701, '上海市人力资源和社会保障局'),
  issuer('disability', '310000', 6702, '上海市残疾人联合会'),
  issuer('veterans', '310000', 6703, '上海市退役军人事务局'),
  issuer('marketPd', '310115', 7801, '上海市浦东新区市场监督管理局'),
  issuer('marketXh', '310104', 7802, '上海市徐汇区市场监督管理局'),
  issuer('marketHp', '310101', 7803, '上海市黄浦区市场监督管理局'),
  issuer('approvalPd', '310115', 7804, '上海市浦东新区行政审批局'),
  issuer('drugs', '310000', 7805, '上海市药品监督管理局'),
  issuer('ecology', '310000', 8901, '上海市生态环境局'),
  issuer('transport', '310000', 8902, '上海市交通委员会'),
  issuer('housing', '310000', 8903, '上海市住房和城乡建设管理委员会'),
];

const issuerByKey = new Map(ISSUERS.map((item) => [item.key, item]));

/** The issuer with an internal key. */
export function issuerOf(key: string): Issuer {
  const found = issuerByKey.get(key);
  if (!found) throw new Error(`unknown issuer ${key}`);
  return found;
}

type FieldSpec = readonly [key: string, label: string, type?: FaceFieldType];

/** A licence type as the generator sees it (internal key, issuers by key). */
export interface TypeSpec {
  key: string;
  code: string;
  name: string;
  authority: Authority;
  issuers: readonly string[];
  holderType: HolderType;
  collectedSince: string;
  public: boolean;
  standardLevel: StandardLevel;
  validity: string;
  fields: readonly FieldSpec[];
}

const sequence = new Map<string, number>();
function typeSpec(
  key: string,
  name: string,
  auth: Authority,
  spec: Omit<TypeSpec, 'key' | 'code' | 'name' | 'authority' | 'standardLevel'> & { standardLevel?: StandardLevel },
): TypeSpec {
  const next = (sequence.get(auth.code) ?? 0) + 1;
  sequence.set(auth.code, next);
  return { key, code: `${auth.code}${String(next).padStart(3, '0')}`, name, authority: auth, standardLevel: spec.standardLevel ?? auth.level, ...spec };
}

const PERSON: readonly FieldSpec[] = [
  ['name', '姓名'],
  ['gender', '性别'],
  ['idNumber', '公民身份号码'],
];
const COMPANY: readonly FieldSpec[] = [
  ['companyName', '名称'],
  ['creditCode', '统一社会信用代码'],
  ['legalRepresentative', '法定代表人'],
];

/** The licence types of the catalog. */
export const TYPES: readonly TypeSpec[] = [
  typeSpec('idCard', '居民身份证', AUTHORITIES.mps, {
    issuers: ['policePd', 'policeXh', 'policeHp'],
    holderType: 'natural_person',
    collectedSince: '2018-01-01',
    public: false,
    validity: '20Y',
    fields: [
      ['name', '姓名'],
      ['gender', '性别'],
      ['ethnicity', '民族'],
      ['birthDate', '出生', 'date'],
      ['address', '住址'],
      ['idNumber', '公民身份号码'],
      ['issuingAuthority', '签发机关'],
      ['validPeriod', '有效期限'],
    ],
  }),
  typeSpec('household', '居民户口簿', AUTHORITIES.mps, {
    issuers: ['policePd', 'policeXh', 'policeHp'],
    holderType: 'natural_person',
    collectedSince: '2018-06-01',
    public: false,
    validity: 'long',
    fields: [
      ['householdNumber', '户号'],
      ['householderName', '户主姓名'],
      ['name', '姓名'],
      ['relation', '与户主关系'],
      ['gender', '性别'],
      ['birthDate', '出生日期', 'date'],
      ['idNumber', '公民身份号码'],
      ['address', '住址'],
    ],
  }),
  typeSpec('marriage', '结婚证', AUTHORITIES.mca, {
    issuers: ['civilPd', 'civilXh'],
    holderType: 'natural_person',
    collectedSince: '2019-01-01',
    public: false,
    validity: 'long',
    fields: [
      ['name', '持证人'],
      ['idNumber', '身份证件号'],
      ['spouseName', '配偶姓名'],
      ['spouseIdNumber', '配偶身份证件号'],
      ['registrationDate', '登记日期', 'date'],
      ['certificateNumber', '结婚证字号'],
      ['registrationAuthority', '登记机关'],
    ],
  }),
  typeSpec('divorce', '离婚证', AUTHORITIES.mca, {
    issuers: ['civilPd', 'civilXh'],
    holderType: 'natural_person',
    collectedSince: '2019-01-01',
    public: false,
    validity: 'long',
    fields: [
      ['name', '持证人'],
      ['idNumber', '身份证件号'],
      ['spouseName', '原配偶姓名'],
      ['spouseIdNumber', '原配偶身份证件号'],
      ['registrationDate', '登记日期', 'date'],
      ['certificateNumber', '离婚证字号'],
      ['registrationAuthority', '登记机关'],
    ],
  }),
  typeSpec('birth', '出生医学证明', AUTHORITIES.nhc, {
    issuers: ['health'],
    holderType: 'natural_person',
    collectedSince: '2019-03-01',
    public: false,
    validity: 'long',
    fields: [
      ['name', '新生儿姓名'],
      ['gender', '性别'],
      ['birthDate', '出生日期', 'date'],
      ['birthPlace', '出生地点'],
      ['motherName', '母亲姓名'],
      ['motherIdNumber', '母亲有效身份证件号码'],
      ['fatherName', '父亲姓名'],
      ['fatherIdNumber', '父亲有效身份证件号码'],
      ['certificateNumber', '出生医学证明编号'],
    ],
  }),
  typeSpec('driving', '机动车驾驶证', AUTHORITIES.mps, {
    issuers: ['traffic'],
    holderType: 'natural_person',
    collectedSince: '2018-01-01',
    public: false,
    validity: '10Y',
    fields: [
      ['licenceNumber', '证号'],
      ['name', '姓名'],
      ['gender', '性别'],
      ['nationality', '国籍'],
      ['address', '住址'],
      ['birthDate', '出生日期', 'date'],
      ['firstIssueDate', '初次领证日期', 'date'],
      ['vehicleClass', '准驾车型'],
      ['validPeriod', '有效期限'],
    ],
  }),
  typeSpec('vehicle', '机动车行驶证', AUTHORITIES.mps, {
    issuers: ['traffic'],
    holderType: 'natural_person',
    collectedSince: '2018-01-01',
    public: false,
    validity: 'long',
    fields: [
      ['plateNumber', '号牌号码'],
      ['vehicleType', '车辆类型'],
      ['owner', '所有人'],
      ['address', '住址'],
      ['useCharacter', '使用性质'],
      ['model', '品牌型号'],
      ['vin', '车辆识别代号'],
      ['registerDate', '注册日期', 'date'],
    ],
  }),
  typeSpec('estate', '不动产权证书', AUTHORITIES.mnr, {
    issuers: ['estate'],
    holderType: 'natural_person',
    collectedSince: '2018-01-01',
    public: false,
    validity: 'long',
    fields: [
      ['certificateNumber', '证号'],
      ['obligee', '权利人'],
      ['coOwnership', '共有情况'],
      ['location', '坐落'],
      ['unitNumber', '不动产单元号'],
      ['rightType', '权利类型'],
      ['usage', '用途'],
      ['area', '面积（平方米）', 'number'],
      ['period', '使用期限'],
    ],
  }),
  typeSpec('degree', '学位证书', AUTHORITIES.degree, {
    issuers: ['education'],
    holderType: 'natural_person',
    collectedSince: '2020-01-01',
    public: false,
    validity: 'long',
    fields: [
      ['name', '姓名'],
      ['gender', '性别'],
      ['birthDate', '出生日期', 'date'],
      ['degree', '学位'],
      ['institution', '学位授予单位'],
      ['awardDate', '授予日期', 'date'],
      ['certificateNumber', '证书编号'],
    ],
  }),
  typeSpec('diploma', '学历证书', AUTHORITIES.moe, {
    issuers: ['education'],
    holderType: 'natural_person',
    collectedSince: '2020-01-01',
    public: false,
    validity: 'long',
    fields: [
      ['name', '姓名'],
      ['gender', '性别'],
      ['birthDate', '出生日期', 'date'],
      ['school', '学校名称'],
      ['major', '专业'],
      ['educationLevel', '学历层次'],
      ['graduationDate', '毕业日期', 'date'],
      ['certificateNumber', '证书编号'],
    ],
  }),
  typeSpec('socialCard', '社会保障卡', AUTHORITIES.mohrss, {
    issuers: ['hrss'],
    holderType: 'natural_person',
    collectedSince: '2019-01-01',
    public: false,
    validity: '10Y',
    fields: [...PERSON, ['cardNumber', '社会保障卡卡号'], ['issueDate', '发卡日期', 'date'], ['bank', '服务银行']],
  }),
  typeSpec('disability', '残疾人证', AUTHORITIES.cdpf, {
    issuers: ['disability'],
    holderType: 'natural_person',
    collectedSince: '2020-01-01',
    public: false,
    validity: '10Y',
    fields: [...PERSON, ['disabilityCategory', '残疾类别'], ['disabilityLevel', '残疾等级'], ['address', '住址'], ['certificateNumber', '残疾人证号']],
  }),
  typeSpec('residence', '上海市居住证', AUTHORITIES.shPolice, {
    issuers: ['policePd', 'policeXh', 'policeHp'],
    holderType: 'natural_person',
    collectedSince: '2019-01-01',
    public: false,
    validity: '3Y',
    fields: [...PERSON, ['address', '居住地址'], ['issueDate', '签发日期', 'date'], ['validPeriod', '有效期限'], ['cardNumber', '居住证号码']],
  }),
  typeSpec('vocational', '职业资格证书', AUTHORITIES.mohrss, {
    issuers: ['hrss'],
    holderType: 'natural_person',
    collectedSince: '2020-06-01',
    public: true,
    validity: 'long',
    fields: [
      ['name', '姓名'],
      ['idNumber', '公民身份号码'],
      ['occupation', '职业（工种）'],
      ['level', '等级'],
      ['certificateNumber', '证书编号'],
      ['issueDate', '发证日期', 'date'],
      ['issuingAuthority', '发证机关'],
    ],
  }),
  typeSpec('teacher', '教师资格证书', AUTHORITIES.moe, {
    issuers: ['education'],
    holderType: 'natural_person',
    collectedSince: '2020-06-01',
    public: true,
    validity: 'long',
    fields: [...PERSON, ['qualificationType', '资格种类'], ['subject', '任教学科'], ['certificateNumber', '证书编号'], ['issueDate', '发证日期', 'date']],
  }),
  typeSpec('physician', '医师执业证书', AUTHORITIES.nhc, {
    issuers: ['health'],
    holderType: 'natural_person',
    collectedSince: '2020-06-01',
    public: true,
    validity: 'long',
    fields: [
      ...PERSON,
      ['category', '执业类别'],
      ['practiceScope', '执业范围'],
      ['practiceSite', '执业地点'],
      ['certificateNumber', '证书编码'],
      ['issueDate', '发证日期', 'date'],
    ],
  }),
  typeSpec('seniorCard', '上海市敬老卡', AUTHORITIES.shCivil, {
    issuers: ['civilSh'],
    holderType: 'natural_person',
    collectedSince: '2021-01-01',
    public: false,
    validity: 'long',
    fields: [...PERSON, ['cardNumber', '卡号'], ['issueDate', '发卡日期', 'date']],
  }),
  typeSpec('veteran', '退役军人优待证', AUTHORITIES.mva, {
    issuers: ['veterans'],
    holderType: 'natural_person',
    collectedSince: '2022-01-01',
    public: false,
    validity: 'long',
    fields: [...PERSON, ['certificateNumber', '优待证编号'], ['issueDate', '发证日期', 'date']],
  }),
  typeSpec('business', '营业执照', AUTHORITIES.samr, {
    issuers: ['marketPd', 'marketXh', 'marketHp'],
    holderType: 'legal_person',
    collectedSince: '2018-01-01',
    public: true,
    validity: 'long',
    fields: [
      ['creditCode', '统一社会信用代码'],
      ['companyName', '名称'],
      ['companyType', '类型'],
      ['legalRepresentative', '法定代表人'],
      ['businessScope', '经营范围'],
      ['registeredCapital', '注册资本'],
      ['establishedDate', '成立日期', 'date'],
      ['businessTerm', '营业期限'],
      ['domicile', '住所'],
      ['registrationAuthority', '登记机关'],
    ],
  }),
  typeSpec('food', '食品经营许可证', AUTHORITIES.samr, {
    issuers: ['marketPd', 'marketXh', 'marketHp'],
    holderType: 'legal_person',
    collectedSince: '2018-06-01',
    public: true,
    validity: '5Y',
    fields: [
      ['companyName', '经营者名称'],
      ['creditCode', '社会信用代码'],
      ['legalRepresentative', '法定代表人（负责人）'],
      ['domicile', '住所'],
      ['premises', '经营场所'],
      ['mainBusiness', '主体业态'],
      ['businessItems', '经营项目'],
      ['licenceNumber', '许可证编号'],
      ['validTo', '有效期至', 'date'],
    ],
  }),
  typeSpec('drug', '药品经营许可证', AUTHORITIES.nmpa, {
    issuers: ['drugs', 'marketPd', 'marketXh'],
    holderType: 'legal_person',
    collectedSince: '2019-01-01',
    public: true,
    validity: '5Y',
    fields: [
      ...COMPANY,
      ['qualityManager', '质量负责人'],
      ['premises', '注册地址'],
      ['businessMode', '经营方式'],
      ['businessScope', '经营范围'],
      ['licenceNumber', '证号'],
      ['validTo', '有效期至', 'date'],
    ],
  }),
  typeSpec('industry', '行业综合许可证', AUTHORITIES.shGov, {
    issuers: ['approvalPd'],
    holderType: 'legal_person',
    collectedSince: '2020-11-01',
    public: true,
    validity: '5Y',
    standardLevel: 'municipal',
    fields: [
      ...COMPANY,
      ['premises', '经营场所'],
      ['industryCategory', '行业类别'],
      ['includedPermits', '整合许可事项'],
      ['licenceNumber', '许可证编号'],
      ['validTo', '有效期至', 'date'],
    ],
  }),
  typeSpec('clinic', '医疗机构执业许可证', AUTHORITIES.nhc, {
    issuers: ['healthPd', 'healthXh'],
    holderType: 'legal_person',
    collectedSince: '2019-06-01',
    public: true,
    validity: '5Y',
    fields: [
      ['companyName', '机构名称'],
      ['creditCode', '统一社会信用代码'],
      ['legalRepresentative', '法定代表人'],
      ['premises', '地址'],
      ['medicalSubjects', '诊疗科目'],
      ['ownership', '所有制形式'],
      ['licenceNumber', '登记号'],
      ['validPeriod', '有效期限'],
    ],
  }),
  typeSpec('pollution', '排污许可证', AUTHORITIES.mee, {
    issuers: ['ecology'],
    holderType: 'legal_person',
    collectedSince: '2020-01-01',
    public: true,
    validity: '5Y',
    fields: [...COMPANY, ['premises', '生产经营场所地址'], ['industryCategory', '行业类别'], ['licenceNumber', '证书编号'], ['validPeriod', '有效期限']],
  }),
  typeSpec('transport', '道路运输经营许可证', AUTHORITIES.mot, {
    issuers: ['transport'],
    holderType: 'legal_person',
    collectedSince: '2019-06-01',
    public: true,
    validity: '4Y',
    fields: [...COMPANY, ['domicile', '地址'], ['businessScope', '经营范围'], ['licenceNumber', '许可证号'], ['validPeriod', '有效期限']],
  }),
  typeSpec('construction', '建筑业企业资质证书', AUTHORITIES.mohurd, {
    issuers: ['housing'],
    holderType: 'legal_person',
    collectedSince: '2019-06-01',
    public: true,
    validity: '5Y',
    fields: [...COMPANY, ['domicile', '详细地址'], ['qualification', '资质类别及等级'], ['certificateNumber', '证书编号'], ['validPeriod', '有效期限']],
  }),
  typeSpec('hygiene', '公共场所卫生许可证', AUTHORITIES.nhc, {
    issuers: ['healthPd', 'healthXh'],
    holderType: 'legal_person',
    collectedSince: '2019-06-01',
    public: true,
    validity: '4Y',
    fields: [
      ['companyName', '单位名称'],
      ['creditCode', '统一社会信用代码'],
      ['legalRepresentative', '法定代表人'],
      ['premises', '地址'],
      ['permittedItems', '许可项目'],
      ['licenceNumber', '许可证号'],
      ['validPeriod', '有效期限'],
    ],
  }),
];

const typeByKey = new Map(TYPES.map((spec) => [spec.key, spec]));
const typeByCode = new Map(TYPES.map((spec) => [spec.code, spec]));

/** The type with an internal key. */
export function typeOf(key: string): TypeSpec {
  const found = typeByKey.get(key);
  if (!found) throw new Error(`unknown licence type ${key}`);
  return found;
}

/** The type with a type code, if any. */
export function typeByTypeCode(code: string): TypeSpec | undefined {
  return typeByCode.get(code);
}

/** The catalog as `GET /catalog` serves it. */
export function buildCatalog(): CatalogResponse {
  const types: LicenceType[] = TYPES.map((spec) => ({
    code: spec.code,
    name: spec.name,
    definingAuthority: { code: spec.authority.code, name: spec.authority.name, level: spec.authority.level },
    issuers: spec.issuers.map((key) => ({ code: issuerOf(key).code, name: issuerOf(key).name })),
    holderType: spec.holderType,
    collectedSince: spec.collectedSince,
    public: spec.public,
    standardLevel: spec.standardLevel,
    template: `SH-ELT-${spec.key.toUpperCase()}-2024`,
    validity: spec.validity,
    faceFields: spec.fields.map(([key, label, type]) => ({ key, label, type: type ?? 'text' })),
  }));
  return { version: `2026.1-${sm3Hex(canonicalJson(types)).slice(0, 8)}`, types };
}

type MaterialSpec = readonly [id: string, name: string, types: readonly string[], fields: readonly string[], required?: boolean];
interface MatterSpec {
  code: string;
  name: string;
  department: string;
  scenario: Scenario;
  materials: readonly MaterialSpec[];
}

const ID: MaterialSpec = ['M01', '申请人有效身份证件', ['idCard'], ['name', 'gender', 'idNumber', 'address']];
const HOUSEHOLD: MaterialSpec = ['M02', '居民户口簿', ['household'], ['householdNumber', 'name', 'relation', 'address']];
const MARRIAGE: MaterialSpec = ['M03', '结婚证', ['marriage'], ['name', 'spouseName', 'spouseIdNumber', 'registrationDate', 'certificateNumber']];
const ESTATE: MaterialSpec = ['M04', '不动产权证书', ['estate'], ['certificateNumber', 'obligee', 'coOwnership', 'location', 'area']];
const LICENCE: MaterialSpec = ['M11', '营业执照', ['business'], ['creditCode', 'companyName', 'legalRepresentative', 'domicile', 'businessScope']];
const FOOD: MaterialSpec = ['M12', '食品经营许可证', ['food'], ['licenceNumber', 'companyName', 'premises', 'businessItems', 'validTo']];
const DRUG: MaterialSpec = ['M13', '药品经营许可证', ['drug'], ['licenceNumber', 'companyName', 'businessScope', 'validTo']];

const MATTER_SPECS: readonly MatterSpec[] = [
  {
    code: '310000-GA-HJ-001',
    name: '新生儿出生登记（户口申报）',
    department: '上海市公安局',
    scenario: 'government',
    materials: [
      ['M05', '出生医学证明', ['birth'], ['name', 'gender', 'birthDate', 'birthPlace', 'motherName', 'fatherName', 'certificateNumber']],
      HOUSEHOLD,
      ID,
      MARRIAGE,
    ],
  },
  { code: '310000-GA-SFZ-002', name: '居民身份证换领', department: '上海市公安局', scenario: 'government', materials: [ID, HOUSEHOLD] },
  {
    code: '310000-GA-JZZ-003',
    name: '上海市居住证签注',
    department: '上海市公安局',
    scenario: 'government',
    materials: [['M06', '上海市居住证', ['residence'], ['name', 'idNumber', 'address', 'validPeriod', 'cardNumber']], ID],
  },
  {
    code: '310000-GA-JSZ-004',
    name: '机动车驾驶证期满换证',
    department: '上海市公安局交通警察总队',
    scenario: 'government',
    materials: [ID, ['M07', '机动车驾驶证', ['driving'], ['licenceNumber', 'name', 'vehicleClass', 'firstIssueDate', 'validPeriod']]],
  },
  {
    code: '310000-GA-XSZ-005',
    name: '机动车转移登记',
    department: '上海市公安局交通警察总队',
    scenario: 'government',
    materials: [
      ID,
      ['M08', '机动车行驶证', ['vehicle'], ['plateNumber', 'owner', 'vin', 'model', 'registerDate']],
      ['M07', '机动车驾驶证', ['driving'], ['licenceNumber', 'name', 'validPeriod'], false],
    ],
  },
  { code: '310000-MZ-HY-006', name: '内地居民结婚登记', department: '上海市民政局', scenario: 'government', materials: [ID, HOUSEHOLD] },
  { code: '310000-MZ-HY-007', name: '内地居民离婚登记', department: '上海市民政局', scenario: 'government', materials: [ID, HOUSEHOLD, MARRIAGE] },
  { code: '310000-MZ-JL-008', name: '上海市敬老卡申领', department: '上海市民政局', scenario: 'government', materials: [ID, HOUSEHOLD] },
  {
    code: '310000-MZ-CJ-009',
    name: '困难残疾人生活补贴和重度残疾人护理补贴申请',
    department: '上海市民政局',
    scenario: 'government',
    materials: [ID, ['M09', '残疾人证', ['disability'], ['name', 'idNumber', 'disabilityCategory', 'disabilityLevel', 'certificateNumber']], HOUSEHOLD],
  },
  {
    code: '310000-JY-RX-010',
    name: '义务教育阶段入学信息登记',
    department: '上海市教育委员会',
    scenario: 'government',
    materials: [
      ['M05', '出生医学证明', ['birth'], ['name', 'gender', 'birthDate', 'motherName', 'fatherName']],
      HOUSEHOLD,
      ESTATE,
      ['M06', '上海市居住证', ['residence'], ['name', 'address', 'validPeriod'], false],
    ],
  },
  {
    code: '310000-RS-RC-011',
    name: '人才引进落户',
    department: '上海市人力资源和社会保障局',
    scenario: 'government',
    materials: [
      ID,
      ['M14', '学位证书', ['degree'], ['name', 'degree', 'institution', 'awardDate', 'certificateNumber']],
      ['M15', '学历证书', ['diploma'], ['name', 'school', 'major', 'educationLevel', 'graduationDate', 'certificateNumber']],
      ['M16', '职业资格证书', ['vocational'], ['name', 'occupation', 'level', 'certificateNumber']],
      MARRIAGE,
      HOUSEHOLD,
      ['M17', '社会保障卡', ['socialCard'], ['name', 'idNumber', 'cardNumber']],
      ESTATE,
    ],
  },
  {
    code: '310000-JY-JS-012',
    name: '教师资格认定',
    department: '上海市教育委员会',
    scenario: 'government',
    materials: [
      ID,
      ['M15', '学历证书', ['diploma'], ['name', 'school', 'major', 'educationLevel', 'graduationDate', 'certificateNumber']],
      ['M14', '学位证书', ['degree'], ['name', 'degree', 'institution'], false],
    ],
  },
  {
    code: '310000-WJ-YS-013',
    name: '医师执业注册变更',
    department: '上海市卫生健康委员会',
    scenario: 'government',
    materials: [
      ID,
      ['M18', '医师执业证书', ['physician'], ['name', 'category', 'practiceScope', 'practiceSite', 'certificateNumber']],
      ['M15', '学历证书', ['diploma'], ['name', 'school', 'major', 'educationLevel']],
    ],
  },
  {
    code: '310000-RS-JY-014',
    name: '灵活就业人员就业登记',
    department: '上海市人力资源和社会保障局',
    scenario: 'government',
    materials: [ID, ['M17', '社会保障卡', ['socialCard'], ['name', 'idNumber', 'cardNumber']]],
  },
  {
    code: '310000-RS-SY-015',
    name: '失业保险金申领',
    department: '上海市人力资源和社会保障局',
    scenario: 'government',
    materials: [ID, ['M17', '社会保障卡', ['socialCard'], ['name', 'idNumber', 'cardNumber', 'bank']]],
  },
  {
    code: '310000-BDC-ZY-016',
    name: '不动产转移登记（个人）',
    department: '上海市不动产登记局',
    scenario: 'government',
    materials: [ID, ESTATE, MARRIAGE, HOUSEHOLD],
  },
  {
    code: '310000-GJJ-TQ-017',
    name: '住房公积金提取（购买自住住房）',
    department: '上海市公积金管理中心',
    scenario: 'government',
    materials: [ID, ESTATE, MARRIAGE, HOUSEHOLD],
  },
  {
    code: '310000-TY-YD-018',
    name: '退役军人优待服务登记',
    department: '上海市退役军人事务局',
    scenario: 'government',
    materials: [ID, ['M19', '退役军人优待证', ['veteran'], ['name', 'idNumber', 'certificateNumber']]],
  },
  { code: '310000-SJ-SP-019', name: '食品经营许可变更', department: '上海市市场监督管理局', scenario: 'government', materials: [LICENCE, FOOD] },
  { code: '310000-SJ-SP-020', name: '食品经营许可延续', department: '上海市市场监督管理局', scenario: 'government', materials: [LICENCE, FOOD] },
  { code: '310000-YJ-YP-021', name: '药品零售企业许可证换发', department: '上海市药品监督管理局', scenario: 'government', materials: [LICENCE, DRUG] },
  {
    code: '310115-SP-YYYZ-022',
    name: '“一业一证”便利店行业综合许可变更',
    department: '上海市浦东新区行政审批局',
    scenario: 'government',
    materials: [
      LICENCE,
      ['M20', '行业综合许可证', ['industry'], ['companyName', 'creditCode', 'premises', 'industryCategory', 'includedPermits', 'licenceNumber', 'validTo']],
      FOOD,
      DRUG,
      ['M21', '公共场所卫生许可证', ['hygiene'], ['companyName', 'premises', 'permittedItems', 'licenceNumber'], false],
    ],
  },
  {
    code: '310000-WJ-GG-023',
    name: '公共场所卫生许可延续',
    department: '上海市卫生健康委员会',
    scenario: 'government',
    materials: [LICENCE, ['M21', '公共场所卫生许可证', ['hygiene'], ['companyName', 'premises', 'permittedItems', 'licenceNumber', 'validPeriod']]],
  },
  {
    code: '310000-WJ-YL-024',
    name: '医疗机构执业登记变更',
    department: '上海市卫生健康委员会',
    scenario: 'government',
    materials: [LICENCE, ['M22', '医疗机构执业许可证', ['clinic'], ['companyName', 'premises', 'medicalSubjects', 'licenceNumber', 'validPeriod']]],
  },
  {
    code: '310000-JT-YS-025',
    name: '道路运输经营许可变更',
    department: '上海市交通委员会',
    scenario: 'government',
    materials: [LICENCE, ['M23', '道路运输经营许可证', ['transport'], ['companyName', 'businessScope', 'licenceNumber', 'validPeriod']]],
  },
  {
    code: '310000-ZJ-ZZ-026',
    name: '建筑业企业资质延续',
    department: '上海市住房和城乡建设管理委员会',
    scenario: 'government',
    materials: [LICENCE, ['M24', '建筑业企业资质证书', ['construction'], ['companyName', 'qualification', 'certificateNumber', 'validPeriod']]],
  },
  {
    code: '310000-ST-PW-027',
    name: '排污许可证变更',
    department: '上海市生态环境局',
    scenario: 'government',
    materials: [LICENCE, ['M25', '排污许可证', ['pollution'], ['companyName', 'premises', 'industryCategory', 'licenceNumber', 'validPeriod']]],
  },
  { code: '310000-SJ-DJ-028', name: '企业住所变更登记', department: '上海市市场监督管理局', scenario: 'government', materials: [LICENCE] },
  {
    code: 'SH-YH-GR-101',
    name: '个人银行结算账户开立',
    department: '商业银行网点',
    scenario: 'social',
    materials: [['M01', '申请人有效身份证件', ['idCard', 'residence'], ['name', 'gender', 'idNumber', 'address', 'validPeriod']]],
  },
  {
    code: 'SH-YH-DK-102',
    name: '个人住房贷款申请',
    department: '商业银行网点',
    scenario: 'social',
    materials: [ID, MARRIAGE, HOUSEHOLD, ESTATE, ['M15', '学历证书', ['diploma'], ['name', 'educationLevel'], false]],
  },
  { code: 'SH-YH-QY-103', name: '企业对公账户开立', department: '商业银行网点', scenario: 'social', materials: [LICENCE] },
  {
    code: 'SH-JD-RZ-104',
    name: '酒店入住登记',
    department: '旅馆业经营单位',
    scenario: 'social',
    materials: [['M01', '住客身份证件', ['idCard'], ['name', 'idNumber']]],
  },
  {
    code: 'SH-ZC-JC-105',
    name: '汽车租赁服务办理',
    department: '汽车租赁企业',
    scenario: 'social',
    materials: [
      ['M01', '承租人身份证件', ['idCard'], ['name', 'idNumber']],
      ['M07', '机动车驾驶证', ['driving'], ['licenceNumber', 'name', 'vehicleClass', 'validPeriod']],
    ],
  },
  {
    code: 'SH-YY-JD-106',
    name: '医院就诊建档',
    department: '医疗机构',
    scenario: 'social',
    materials: [
      ['M01', '患者身份证件', ['idCard'], ['name', 'gender', 'birthDate', 'idNumber']],
      ['M17', '社会保障卡', ['socialCard'], ['name', 'cardNumber'], false],
    ],
  },
  {
    code: 'SH-WL-HZ-107',
    name: '物流企业合作签约',
    department: '物流平台企业',
    scenario: 'social',
    materials: [LICENCE, ['M23', '道路运输经营许可证', ['transport'], ['companyName', 'businessScope', 'licenceNumber', 'validPeriod']]],
  },
  { code: 'SH-WM-RZ-108', name: '外卖平台商户入驻', department: '网络餐饮服务平台', scenario: 'social', materials: [LICENCE, FOOD] },
];

function buildMatter(spec: MatterSpec): Matter {
  return {
    code: spec.code,
    name: spec.name,
    department: spec.department,
    scenario: spec.scenario,
    materials: spec.materials.map(([id, name, types, fields, required]) => ({
      id,
      name,
      required: required ?? true,
      licenceTypes: types.map((key) => typeOf(key).code),
      faceFields: [...fields],
    })),
  };
}

/** The matters as `GET /matters` serves them. */
export function buildMatters(): MattersResponse {
  const matters = MATTER_SPECS.map(buildMatter);
  return { version: `2026.1-${sm3Hex(canonicalJson(matters)).slice(0, 8)}`, matters };
}
