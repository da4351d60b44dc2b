/**
 * Matter search over 5,000 matters, timed per keystroke: every prefix of 200 realistic
 * queries (pinyin initials, Chinese words, code prefixes and fragments, and a few that find
 * nothing). Target: p95 ≤ 5 ms per keystroke [`matter_search_p95_ms`]. The baseline is the
 * naive scan that recomputes every name's pinyin on each keystroke (on a sample of the
 * keystrokes, since it is slow). Run: `npx tsx tests/bench/matter-search.bench.ts`.
 */
import { pinyin } from 'pinyin-pro';
import { buildMatterIndex, searchMatters, type SearchableMatter } from '../../shared/matter-search';
import { median, quantile, reportFigures } from './lib';

let seed = 20261126;
function random(): number {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
}
function pick<T>(items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

const REGIONS = [
  ['310000', '上海市'],
  ['310101', '黄浦区'],
  ['310104', '徐汇区'],
  ['310105', '长宁区'],
  ['310106', '静安区'],
  ['310107', '普陀区'],
  ['310109', '虹口区'],
  ['310110', '杨浦区'],
  ['310112', '闵行区'],
  ['310113', '宝山区'],
  ['310114', '嘉定区'],
  ['310115', '浦东新区'],
  ['310116', '金山区'],
  ['310117', '松江区'],
  ['310118', '青浦区'],
  ['310120', '奉贤区'],
  ['310151', '崇明区'],
] as const;
const SUBJECTS = [
  ['GA', '居民身份证'],
  ['GA', '户口'],
  ['GA', '居住证'],
  ['GA', '机动车驾驶证'],
  ['GA', '机动车行驶证'],
  ['GA', '出入境通行证'],
  ['MZ', '结婚'],
  ['MZ', '离婚'],
  ['MZ', '收养'],
  ['MZ', '敬老卡'],
  ['MZ', '社会团体'],
  ['MZ', '民办非企业单位'],
  ['MZ', '残疾人护理补贴'],
  ['SC', '营业执照'],
  ['SC', '食品经营许可证'],
  ['SC', '个体工商户'],
  ['SC', '药品零售企业'],
  ['SC', '特种设备使用'],
  ['SC', '农民专业合作社'],
  ['GH', '建设工程规划许可证'],
  ['GH', '建设用地规划许可证'],
  ['ZJ', '建筑工程施工许可证'],
  ['ZJ', '商品房预售许可证'],
  ['ZJ', '建筑业企业资质'],
  ['RS', '社会保障卡'],
  ['RS', '职业资格证书'],
  ['RS', '人才引进落户'],
  ['RS', '失业保险金'],
  ['RS', '就业登记'],
  ['JY', '教师资格'],
  ['JY', '义务教育阶段入学'],
  ['JY', '民办学校办学许可证'],
  ['WJ', '医师执业证书'],
  ['WJ', '护士执业证书'],
  ['WJ', '医疗机构执业许可证'],
  ['WJ', '出生医学证明'],
  ['WJ', '公共场所卫生许可证'],
  ['SW', '税务登记'],
  ['SW', '发票领用'],
  ['JT', '道路运输经营许可证'],
  ['JT', '出租汽车驾驶员证'],
  ['HB', '排污许可证'],
  ['HB', '建设项目环境影响评价'],
  ['WH', '营业性演出许可证'],
  ['WH', '网络文化经营许可证'],
  ['NY', '动物防疫条件合格证'],
  ['FG', '固定资产投资项目'],
  ['SF', '法律援助'],
  ['SF', '律师执业证'],
  ['TY', '高危险性体育项目经营'],
  ['LH', '临时占用绿地'],
  ['SW', '取水许可证'],
] as const;
const ACTIONS = [
  '申领',
  '换领',
  '补领',
  '注销',
  '变更登记',
  '设立登记',
  '备案',
  '年度检验',
  '延续',
  '核发',
  '首次申请',
  '信息变更',
  '遗失补办',
  '期满换证',
  '迁入',
  '迁出',
  '申请',
  '认定',
  '资格审核',
  '登记',
  '转移登记',
  '抵押登记',
  '注册',
  '许可',
  '审批',
] as const;
const QUALIFIERS = ['', '', '', '', '（分支机构）', '（网上办理）', '（港澳台居民）', '（承诺制）', '（告知承诺）', '（跨省通办）'] as const;

const matters: SearchableMatter[] = [];
const seen = new Set<string>();
while (matters.length < 5_000) {
  const [regionCode, regionName] = pick(REGIONS);
  const [dept, subject] = pick(SUBJECTS);
  const name = `${random() < 0.3 ? regionName : ''}${subject}${pick(ACTIONS)}${pick(QUALIFIERS)}`;
  if (seen.has(name)) continue;
  seen.add(name);
  const abbr = pinyin(subject, { pattern: 'first', toneType: 'none', type: 'array' }).join('').toUpperCase().slice(0, 3);
  matters.push({ code: `${regionCode}-${dept}-${abbr}-${String(matters.length + 1).padStart(4, '0')}`, name });
}

function initialsQuery(): string {
  const { name } = pick(matters);
  const initials = pinyin(name, { pattern: 'first', toneType: 'none', type: 'array' })
    .join('')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
  const start = random() < 0.6 ? 0 : Math.floor(random() * Math.max(1, initials.length - 4));
  return initials.slice(start, start + 2 + Math.floor(random() * 4));
}
function chineseQuery(): string {
  const { name } = pick(matters);
  const start = Math.floor(random() * Math.max(1, name.length - 4));
  return name.slice(start, start + 2 + Math.floor(random() * 3));
}
function codeQuery(): string {
  const { code } = pick(matters);
  return random() < 0.7 ? code.slice(0, 6 + Math.floor(random() * 8)) : code.slice(7, 14);
}
const queries: string[] = [];
for (let i = 0; i < 200; i++) {
  const r = random();
  queries.push(r < 0.45 ? initialsQuery() : r < 0.75 ? chineseQuery() : r < 0.95 ? codeQuery() : pick(['xyzq', '不存在的事项', '999999-', 'qqqq']));
}
const keystrokes = queries.flatMap((q) => Array.from({ length: q.length }, (_, i) => q.slice(0, i + 1)));

const buildStart = performance.now();
const index = buildMatterIndex(matters);
const buildMs = performance.now() - buildStart;

for (const k of keystrokes.slice(0, 100)) searchMatters(index, k, 20);
const times: number[] = [];
let found = 0;
for (const k of keystrokes) {
  const start = performance.now();
  const hits = searchMatters(index, k, 20);
  times.push(performance.now() - start);
  if (hits.length > 0) found++;
}

function naiveSearch(query: string, limit: number): SearchableMatter[] {
  const q = query.replace(/\s+/g, '').toLowerCase();
  const out: SearchableMatter[] = [];
  for (const m of matters) {
    const initials = pinyin(m.name, { pattern: 'first', toneType: 'none', type: 'array' }).join('').toLowerCase();
    if (m.code.toLowerCase().includes(q) || m.name.toLowerCase().includes(q) || initials.includes(q)) out.push(m);
  }
  return out.slice(0, limit);
}
const naiveSample = keystrokes.filter((_, i) => i % 40 === 0);
const naiveTimes = naiveSample.map((k) => {
  const start = performance.now();
  naiveSearch(k, 20);
  return performance.now() - start;
});

console.log(
  `${matters.length} matters, ${queries.length} queries, ${keystrokes.length} keystrokes (${found} with results); index built in ${buildMs.toFixed(0)} ms`,
);
console.log('sample queries:', queries.slice(0, 12).join(' | '));
reportFigures('Matter search (5,000 matters, per keystroke)', [
  { name: 'matter_search_p95_ms', value: quantile(times, 0.95), unit: 'ms', target: 5, better: 'lower' },
  { name: 'matter_search_median_ms', value: median(times), unit: 'ms', target: null, better: 'lower' },
  { name: 'matter_search_max_ms', value: Math.max(...times), unit: 'ms', target: null, better: 'lower' },
  { name: 'matter_search_naive_p95_ms', value: quantile(naiveTimes, 0.95), unit: 'ms', target: null, better: 'lower' },
  { name: 'matter_index_build_ms', value: buildMs, unit: 'ms', target: null, better: 'lower' },
]);
