/**
 * The multilingual vocabulary synthetic catalogue records are composed from:
 * domains, subjects, frequencies, kinds, qualifiers and dimensions in seven
 * languages, the eight regions with their agencies and places, formats, and
 * simplified-to-traditional Chinese for Macao. See generateDatasets.ts.
 */
export type Lang = 'en' | 'zh' | 'vi' | 'ms' | 'th' | 'id' | 'pt';
export type Translations = Record<Lang, string>;
const langs: readonly Lang[] = ['en', 'zh', 'vi', 'ms', 'th', 'id', 'pt'];

/** Parses `a|b|c…` rows (columns en zh vi ms th id pt after `lead` leading columns). */
function rows(lead: number, lines: string): { lead: string[]; t: Translations }[] {
  return lines.trim().split('\n').map((line) => {
    const cells = line.trim().split('|');
    const t = {} as Translations;
    langs.forEach((lang, i) => { t[lang] = cells[lead + i] ?? cells[lead] ?? ''; });
    return { lead: cells.slice(0, lead), t };
  });
}

// Domain | EU themes | en | zh | vi | ms | th | id | pt (the domain's own keyword).
export const domainRows = rows(2, `
port|TRAN ECON|ports|港口|cảng biển|pelabuhan|ท่าเรือ|pelabuhan|portos
trade|ECON INTR|trade|贸易|thương mại|perdagangan|การค้า|perdagangan|comércio
health|HEAL SOCI|health|卫生健康|y tế|kesihatan|สาธารณสุข|kesehatan|saúde
env|ENVI HEAL|environment|生态环境|môi trường|alam sekitar|สิ่งแวดล้อม|lingkungan hidup|ambiente
transport|TRAN REGI|transport|交通运输|giao thông vận tải|pengangkutan|การขนส่ง|transportasi|transportes
tourism|ECON SOCI|tourism|旅游|du lịch|pelancongan|การท่องเที่ยว|pariwisata|turismo
energy|ENER ENVI|energy|能源|năng lượng|tenaga|พลังงาน|energi|energia
agri|AGRI ECON|agriculture|农业|nông nghiệp|pertanian|เกษตรกรรม|pertanian|agricultura
pop|SOCI REGI|population|人口|dân số|penduduk|ประชากร|penduduk|população
edu|EDUC SOCI|education|教育|giáo dục|pendidikan|การศึกษา|pendidikan|educação
econ|ECON GOVE|economy|经济|kinh tế|ekonomi|เศรษฐกิจ|ekonomi|economia
finance|ECON INTR|finance|金融|tài chính|kewangan|การเงิน|keuangan|finanças
labour|ECON SOCI|labour|劳动就业|lao động|buruh|แรงงาน|ketenagakerjaan|trabalho
justice|JUST GOVE|justice|司法|tư pháp|keadilan|ยุติธรรม|peradilan|justiça
gov|GOVE ECON|government|政府|chính phủ|kerajaan|รัฐบาล|pemerintahan|governo
tech|TECH ECON|technology|科技|công nghệ|teknologi|เทคโนโลยี|teknologi|tecnologia
`);

// Domain | en | zh | vi | ms | th | id | pt: the subjects titles are made of.
export const subjectRows = rows(1, `
port|container throughput|集装箱吞吐量|sản lượng container|daya pemprosesan kontena|ปริมาณตู้คอนเทนเนอร์|arus peti kemas|movimento de contentores
port|cargo throughput|货物吞吐量|sản lượng hàng hóa thông qua cảng|daya pemprosesan kargo|ปริมาณสินค้าผ่านท่า|arus barang pelabuhan|movimento de carga
port|vessel calls|船舶到港艘次|lượt tàu đến cảng|ketibaan kapal|จำนวนเรือเข้าเทียบท่า|kunjungan kapal|escalas de navios
port|berth occupancy|泊位占用率|hệ số sử dụng cầu bến|kadar penggunaan dermaga|อัตราการใช้ท่าเทียบเรือ|tingkat pemakaian tambatan|taxa de ocupação dos cais
port|ferry passengers|渡轮旅客|hành khách tàu phà|penumpang feri|ผู้โดยสารเรือข้ามฟาก|penumpang kapal feri|passageiros de ferry
trade|imports|进口额|kim ngạch nhập khẩu|import|มูลค่าการนำเข้า|nilai impor|importações
trade|exports|出口额|kim ngạch xuất khẩu|eksport|มูลค่าการส่งออก|nilai ekspor|exportações
trade|trade balance|贸易差额|cán cân thương mại|imbangan dagangan|ดุลการค้า|neraca perdagangan|balança comercial
trade|border trade|边境贸易|thương mại biên giới|perdagangan sempadan|การค้าชายแดน|perdagangan perbatasan|comércio fronteiriço
trade|customs declarations|报关单|tờ khai hải quan|pengisytiharan kastam|ใบขนสินค้า|pemberitahuan pabean|declarações aduaneiras
trade|re-exports|转口贸易|tái xuất khẩu|eksport semula|การส่งออกต่อ|ekspor kembali|reexportações
trade|foreign direct investment|外商直接投资|đầu tư trực tiếp nước ngoài|pelaburan langsung asing|การลงทุนโดยตรงจากต่างประเทศ|investasi langsung asing|investimento direto estrangeiro
health|notifiable disease cases|法定传染病病例|ca bệnh truyền nhiễm phải báo cáo|kes penyakit berjangkit|ผู้ป่วยโรคติดต่อที่ต้องรายงาน|kasus penyakit menular|casos de doenças de declaração obrigatória
health|hospital admissions|住院人次|lượt nhập viện|kemasukan hospital|จำนวนผู้ป่วยใน|rawat inap rumah sakit|internamentos hospitalares
health|vaccination coverage|疫苗接种率|tỷ lệ tiêm chủng|liputan imunisasi|ความครอบคลุมการได้รับวัคซีน|cakupan imunisasi|cobertura vacinal
health|dengue cases|登革热病例|ca sốt xuất huyết|kes denggi|ผู้ป่วยไข้เลือดออก|kasus demam berdarah|casos de dengue
health|hospital beds|医院床位数|số giường bệnh|katil hospital|จำนวนเตียงโรงพยาบาล|tempat tidur rumah sakit|camas hospitalares
health|maternal mortality|孕产妇死亡率|tỷ số tử vong mẹ|kematian ibu|อัตราการตายของมารดา|angka kematian ibu|mortalidade materna
health|health expenditure|卫生总费用|chi tiêu y tế|perbelanjaan kesihatan|รายจ่ายด้านสุขภาพ|belanja kesehatan|despesa com saúde
env|air quality index|空气质量指数|chỉ số chất lượng không khí|indeks kualiti udara|ดัชนีคุณภาพอากาศ|indeks kualitas udara|índice de qualidade do ar
env|surface water quality|地表水水质|chất lượng nước mặt|kualiti air permukaan|คุณภาพน้ำผิวดิน|kualitas air permukaan|qualidade da água superficial
env|rainfall|降雨量|lượng mưa|taburan hujan|ปริมาณน้ำฝน|curah hujan|precipitação
env|forest cover|森林覆盖率|độ che phủ rừng|litupan hutan|พื้นที่ป่าไม้|tutupan hutan|cobertura florestal
env|solid waste collection|生活垃圾清运量|khối lượng chất thải rắn thu gom|kutipan sisa pepejal|ปริมาณขยะมูลฝอยที่เก็บขน|sampah terkumpul|recolha de resíduos sólidos
env|greenhouse gas emissions|温室气体排放|phát thải khí nhà kính|pelepasan gas rumah hijau|การปล่อยก๊าซเรือนกระจก|emisi gas rumah kaca|emissões de gases com efeito de estufa
env|PM2.5 concentration|PM2.5浓度|nồng độ bụi PM2.5|kepekatan PM2.5|ความเข้มข้นของ PM2.5|konsentrasi PM2.5|concentração de PM2.5
env|water supply|供水量|lượng nước cấp|bekalan air|ปริมาณน้ำประปา|pasokan air bersih|abastecimento de água
transport|expressway traffic flow|高速公路交通流量|lưu lượng giao thông đường cao tốc|aliran trafik lebuh raya|ปริมาณการจราจรบนทางหลวงพิเศษ|volume lalu lintas jalan tol|fluxo de tráfego nas autoestradas
transport|bus ridership|公交客运量|lượng hành khách xe buýt|penumpang bas|จำนวนผู้โดยสารรถประจำทาง|jumlah penumpang bus|passageiros de autocarro
transport|airport passenger traffic|机场旅客吞吐量|lượng hành khách qua cảng hàng không|trafik penumpang lapangan terbang|จำนวนผู้โดยสารท่าอากาศยาน|lalu lintas penumpang bandara|tráfego de passageiros no aeroporto
transport|air cargo|航空货运量|hàng hóa hàng không|kargo udara|การขนส่งสินค้าทางอากาศ|kargo udara|carga aérea
transport|vehicle registrations|机动车登记数|số phương tiện đăng ký|pendaftaran kenderaan|จำนวนรถจดทะเบียน|registrasi kendaraan|registo de veículos
transport|road traffic accidents|道路交通事故|tai nạn giao thông đường bộ|kemalangan jalan raya|อุบัติเหตุทางถนน|kecelakaan lalu lintas|acidentes de viação
transport|rail freight|铁路货运量|vận tải hàng hóa đường sắt|pengangkutan barang kereta api|การขนส่งสินค้าทางราง|angkutan barang kereta api|transporte ferroviário de mercadorias
transport|border crossings|出入境人次|lượt xuất nhập cảnh|lintasan sempadan|จำนวนคนผ่านแดน|perlintasan batas negara|passagens fronteiriças
tourism|visitor arrivals|入境游客|lượt khách quốc tế đến|ketibaan pelancong|นักท่องเที่ยวต่างชาติ|kunjungan wisatawan mancanegara|chegadas de visitantes
tourism|hotel occupancy rate|酒店入住率|công suất phòng khách sạn|kadar penghunian hotel|อัตราการเข้าพักโรงแรม|tingkat penghunian hotel|taxa de ocupação hoteleira
tourism|tourism receipts|旅游收入|doanh thu du lịch|penerimaan pelancongan|รายได้จากการท่องเที่ยว|penerimaan pariwisata|receitas do turismo
tourism|visitor expenditure|旅客消费|chi tiêu của du khách|perbelanjaan pelawat|ค่าใช้จ่ายของนักท่องเที่ยว|pengeluaran wisatawan|despesas dos visitantes
energy|electricity consumption|用电量|điện năng tiêu thụ|penggunaan elektrik|การใช้ไฟฟ้า|konsumsi listrik|consumo de eletricidade
energy|electricity generation|发电量|sản lượng điện|penjanaan elektrik|การผลิตไฟฟ้า|produksi listrik|produção de eletricidade
energy|grid load|电网负荷|phụ tải hệ thống điện|beban grid|โหลดระบบไฟฟ้า|beban jaringan listrik|carga da rede elétrica
energy|fuel prices|成品油价格|giá xăng dầu|harga bahan api|ราคาน้ำมันเชื้อเพลิง|harga bahan bakar minyak|preços dos combustíveis
energy|renewable energy capacity|可再生能源装机容量|công suất năng lượng tái tạo|kapasiti tenaga boleh baharu|กำลังการผลิตพลังงานหมุนเวียน|kapasitas energi terbarukan|capacidade de energia renovável
energy|energy balance|能源平衡表|cân bằng năng lượng|imbangan tenaga|ดุลพลังงาน|neraca energi|balanço energético
agri|rice production|稻谷产量|sản lượng lúa|pengeluaran padi|ผลผลิตข้าว|produksi padi|produção de arroz
agri|sugarcane production|甘蔗产量|sản lượng mía|pengeluaran tebu|ผลผลิตอ้อย|produksi tebu|produção de cana-de-açúcar
agri|fisheries catch|水产品产量|sản lượng thủy sản|pendaratan ikan|ผลผลิตประมง|produksi perikanan tangkap|capturas de pesca
agri|palm oil production|棕榈油产量|sản lượng dầu cọ|pengeluaran minyak sawit|ผลผลิตน้ำมันปาล์ม|produksi minyak sawit|produção de óleo de palma
agri|fruit exports|水果出口|xuất khẩu trái cây|eksport buah-buahan|การส่งออกผลไม้|ekspor buah-buahan|exportações de fruta
agri|livestock inventory|牲畜存栏量|số lượng gia súc|inventori ternakan|จำนวนปศุสัตว์|populasi ternak|efetivo pecuário
agri|agricultural land use|农业用地|sử dụng đất nông nghiệp|guna tanah pertanian|การใช้ที่ดินเพื่อการเกษตร|penggunaan lahan pertanian|uso do solo agrícola
pop|population estimates|人口估计|ước tính dân số|anggaran penduduk|ประมาณการประชากร|estimasi penduduk|estimativas da população
pop|population census|人口普查|tổng điều tra dân số|banci penduduk|สำมะโนประชากร|sensus penduduk|recenseamento da população
pop|births|出生人数|số trẻ sinh ra|kelahiran hidup|จำนวนการเกิด|kelahiran|nascimentos
pop|deaths|死亡人数|số người chết|kematian|จำนวนการตาย|jumlah kematian|óbitos
pop|migration|人口迁移|di cư|migrasi|การย้ายถิ่น|migrasi penduduk|migração
pop|household income|家庭收入|thu nhập hộ gia đình|pendapatan isi rumah|รายได้ครัวเรือน|pendapatan rumah tangga|rendimento dos agregados familiares
edu|school enrolment|在校学生数|số học sinh nhập học|enrolmen sekolah|จำนวนนักเรียน|jumlah murid terdaftar|matrículas escolares
edu|teachers|专任教师数|số giáo viên|bilangan guru|จำนวนครู|jumlah guru|professores
edu|literacy rate|识字率|tỷ lệ biết chữ|kadar celik huruf|อัตราการรู้หนังสือ|angka melek huruf|taxa de alfabetização
edu|university graduates|高校毕业生|sinh viên tốt nghiệp đại học|graduan universiti|ผู้สำเร็จการศึกษาระดับอุดมศึกษา|lulusan perguruan tinggi|diplomados do ensino superior
econ|consumer price index|居民消费价格指数|chỉ số giá tiêu dùng|indeks harga pengguna|ดัชนีราคาผู้บริโภค|indeks harga konsumen|índice de preços no consumidor
econ|gross domestic product|地区生产总值|tổng sản phẩm trong nước|keluaran dalam negeri kasar|ผลิตภัณฑ์มวลรวมในประเทศ|produk domestik bruto|produto interno bruto
econ|industrial production index|工业生产指数|chỉ số sản xuất công nghiệp|indeks pengeluaran perindustrian|ดัชนีผลผลิตอุตสาหกรรม|indeks produksi industri|índice de produção industrial
econ|retail sales|社会消费品零售总额|tổng mức bán lẻ hàng hóa|jualan runcit|ยอดขายปลีก|penjualan eceran|vendas a retalho
econ|housing prices|住宅价格|giá nhà ở|harga rumah kediaman|ราคาที่อยู่อาศัย|harga rumah|preços da habitação
econ|gaming revenue|博彩收入|doanh thu trò chơi có thưởng|hasil perjudian|รายได้จากการพนัน|pendapatan perjudian|receitas do jogo
finance|exchange rates|汇率|tỷ giá hối đoái|kadar pertukaran|อัตราแลกเปลี่ยน|nilai tukar|taxas de câmbio
finance|bank deposits|银行存款|tiền gửi ngân hàng|deposit bank|เงินฝากธนาคาร|simpanan bank|depósitos bancários
finance|money supply|货币供应量|cung tiền|penawaran wang|ปริมาณเงิน|uang beredar|massa monetária
labour|unemployment rate|失业率|tỷ lệ thất nghiệp|kadar pengangguran|อัตราการว่างงาน|tingkat pengangguran|taxa de desemprego
labour|average wages|平均工资|tiền lương bình quân|purata gaji|ค่าจ้างเฉลี่ย|rata-rata upah|salários médios
labour|labour force|劳动力|lực lượng lao động|tenaga buruh|กำลังแรงงาน|angkatan kerja|população ativa
justice|reported crimes|刑事案件立案数|số vụ phạm tội|jenayah dilaporkan|คดีอาญาที่รับแจ้ง|kejahatan yang dilaporkan|crimes participados
justice|court cases|法院受理案件|số vụ án tòa án thụ lý|kes mahkamah|คดีในศาล|perkara pengadilan|processos judiciais
gov|public expenditure|一般公共预算支出|chi ngân sách nhà nước|perbelanjaan awam|รายจ่ายภาครัฐ|belanja pemerintah|despesa pública
gov|government revenue|财政收入|thu ngân sách nhà nước|hasil kerajaan|รายได้รัฐบาล|pendapatan negara|receitas públicas
gov|civil servants|公务员人数|số công chức|penjawat awam|จำนวนข้าราชการ|aparatur sipil negara|trabalhadores da função pública
tech|internet users|互联网用户数|số người sử dụng internet|pengguna internet|จำนวนผู้ใช้อินเทอร์เน็ต|pengguna internet|utilizadores da internet
tech|mobile subscriptions|移动电话用户|thuê bao di động|langganan mudah alih|ผู้ใช้บริการโทรศัพท์เคลื่อนที่|pelanggan seluler|assinaturas móveis
tech|e-commerce sales|电子商务交易额|doanh thu thương mại điện tử|jualan e-dagang|มูลค่าพาณิชย์อิเล็กทรอนิกส์|penjualan e-commerce|vendas de comércio eletrónico
`);

// accrualPeriodicity | en | zh | vi | ms | th | id | pt
export const frequencyRows = rows(1, `
MONTHLY|monthly|月度|hằng tháng|bulanan|รายเดือน|bulanan|mensal
QUARTERLY|quarterly|季度|hằng quý|suku tahunan|รายไตรมาส|triwulanan|trimestral
ANNUAL|annual|年度|hằng năm|tahunan|รายปี|tahunan|anual
WEEKLY|weekly|每周|hằng tuần|mingguan|รายสัปดาห์|mingguan|semanal
DAILY|daily|每日|hằng ngày|harian|รายวัน|harian|diário
`);
export const frequencyWeights = [40, 15, 30, 8, 7];

// What kind of publication (often "statistics", so that word hits many titles).
export const kindRows = rows(1, `
10|statistics|统计|thống kê|statistik|สถิติ|statistik|estatísticas
4|data|数据|số liệu|data|ข้อมูล|data|dados
2|report|报告|báo cáo|laporan|รายงาน|laporan|relatório
2|indicators|指标|chỉ tiêu|penunjuk|ตัวชี้วัด|indikator|indicadores
1|survey|调查|điều tra|tinjauan|การสำรวจ|survei|inquérito
1|register|登记册|sổ đăng ký|daftar|ทะเบียน|register|registo
1|bulletin|公报|bản tin|buletin|วารสาร|buletin|boletim
`);
// Rare qualifiers (a few percent of titles).
export const qualifierRows = rows(0, `
provisional|初步|sơ bộ|sementara|เบื้องต้น|sementara|provisórios
seasonally adjusted|季节调整|đã điều chỉnh mùa vụ|terlaras musim|ปรับฤดูกาล|disesuaikan musiman|ajustados sazonalmente
revised|修订|điều chỉnh|disemak|ปรับปรุง|revisi|revistos
experimental|试验性|thử nghiệm|eksperimen|ทดลอง|eksperimental|experimentais
historical series|历史序列|chuỗi số liệu lịch sử|siri sejarah|อนุกรมย้อนหลัง|seri historis|séries históricas
`);
// Breakdown dimensions for descriptions.
export const dimensionRows = rows(0, `
region|地区|vùng|wilayah|ภูมิภาค|wilayah|região
district|县区|huyện|daerah|อำเภอ|kabupaten|distrito
sex|性别|giới tính|jantina|เพศ|jenis kelamin|sexo
age group|年龄组|nhóm tuổi|kumpulan umur|กลุ่มอายุ|kelompok umur|grupo etário
commodity|商品|mặt hàng|komoditi|สินค้า|komoditas|mercadoria
country|国家|quốc gia|negara|ประเทศ|negara|país
industry|行业|ngành kinh tế|industri|อุตสาหกรรม|industri|setor de atividade
port|港口|cảng|pelabuhan|ท่าเรือ|pelabuhan|porto
mode of transport|运输方式|phương thức vận tải|mod pengangkutan|รูปแบบการขนส่ง|moda transportasi|modo de transporte
month|月份|tháng|bulan|เดือน|bulan|mês
monitoring station|监测站|trạm quan trắc|stesen pemantauan|สถานีตรวจวัด|stasiun pemantauan|estação de monitorização
ethnicity|民族|dân tộc|kumpulan etnik|เชื้อชาติ|suku bangsa|etnia
`);

export interface Region {
  code: string;
  lang: Lang;
  weight: number;
  /** `en|local|pt` (local and pt default to en). */
  places: string[];
  /** `code|domains|local name|English name|host`; domain `*` = the statistics office. */
  publishers: string[];
  licenses: string[];
}

const ccBy = 'https://creativecommons.org/licenses/by/4.0/';
const cc0 = 'https://creativecommons.org/publicdomain/zero/1.0/';
const restricted = 'Restricted – authorised agencies only';
export const regions: Region[] = [
  { code: 'CN-GX', lang: 'zh', weight: 20, licenses: ['广西公共数据开放平台数据使用协议', ccBy, restricted],
    places: ['Nanning|南宁', 'Qinzhou|钦州', 'Beihai|北海', 'Fangchenggang|防城港', 'Liuzhou|柳州', 'Guilin|桂林', 'Wuzhou|梧州', 'Pingxiang|凭祥', 'Baise|百色', 'Yulin|玉林', 'Chongzuo|崇左', 'Guangxi|广西'],
    publishers: ['gxtj|*|广西壮族自治区统计局|Guangxi Statistics Bureau|tjj.gxzf.gov.cn', 'nncustoms|trade|中华人民共和国南宁海关|Nanning Customs|nanning.customs.gov.cn',
      'gxsthjt|env|广西壮族自治区生态环境厅|Department of Ecology and Environment of Guangxi|sthjt.gxzf.gov.cn', 'gxjtt|transport,port|广西壮族自治区交通运输厅|Department of Transport of Guangxi|jtt.gxzf.gov.cn',
      'gxwjw|health|广西壮族自治区卫生健康委员会|Health Commission of Guangxi|wsjkw.gxzf.gov.cn', 'bbwport|port|广西北部湾国际港务集团有限公司|Guangxi Beibu Gulf International Port Group|www.bbwgw.com',
      'gxnynct|agri|广西壮族自治区农业农村厅|Department of Agriculture and Rural Affairs of Guangxi|nynct.gxzf.gov.cn'] },
  { code: 'MO', lang: 'zh', weight: 8, licenses: ['https://data.gov.mo/Terms', ccBy, restricted],
    places: ['Macao|澳門|Macau', 'Taipa|氹仔|Taipa', 'Coloane|路環|Coloane', 'Cotai|路氹|Cotai', 'Macao Peninsula|澳門半島|Península de Macau', 'Outer Harbour|外港|Porto Exterior'],
    publishers: ['dsec|*|統計暨普查局|Statistics and Census Service, DSEC|www.dsec.gov.mo', 'ssm|health|衛生局|Health Bureau, SSM|www.ssm.gov.mo',
      'mgto|tourism|澳門特別行政區政府旅遊局|Macao Government Tourism Office, MGTO|www.macaotourism.gov.mo', 'dsama|port|海事及水務局|Marine and Water Bureau, DSAMA|www.marine.gov.mo',
      'dsat|transport|交通事務局|Transport Bureau, DSAT|www.dsat.gov.mo', 'dspa|env,energy|環境保護局|Environmental Protection Bureau, DSPA|www.dspa.gov.mo',
      'amcm|finance|澳門金融管理局|Monetary Authority of Macao, AMCM|www.amcm.gov.mo', 'dicj|econ|博彩監察協調局|Gaming Inspection and Coordination Bureau, DICJ|www.dicj.gov.mo'] },
  { code: 'VN', lang: 'vi', weight: 16, licenses: [ccBy, restricted],
    places: ['Hanoi|Hà Nội', 'Haiphong|Hải Phòng', 'Ho Chi Minh City|Thành phố Hồ Chí Minh', 'Da Nang|Đà Nẵng', 'Can Tho|Cần Thơ', 'Quang Ninh|Quảng Ninh', 'Lang Son|Lạng Sơn', 'Bac Ninh|Bắc Ninh', 'Hue|Huế', 'Khanh Hoa|Khánh Hòa', 'Dong Nai|Đồng Nai', 'Mekong Delta|Đồng bằng sông Cửu Long'],
    publishers: ['gso|*|Tổng cục Thống kê|General Statistics Office of Viet Nam|www.gso.gov.vn', 'customs|trade|Tổng cục Hải quan|General Department of Vietnam Customs|www.customs.gov.vn',
      'vinamarine|port|Cục Hàng hải Việt Nam|Vietnam Maritime Administration|vinamarine.gov.vn', 'moh|health|Bộ Y tế|Ministry of Health|moh.gov.vn',
      'monre|env|Bộ Tài nguyên và Môi trường|Ministry of Natural Resources and Environment|monre.gov.vn', 'sbv|finance|Ngân hàng Nhà nước Việt Nam|State Bank of Vietnam|www.sbv.gov.vn',
      'vnat|tourism|Cục Du lịch Quốc gia Việt Nam|Vietnam National Authority of Tourism|vietnamtourism.gov.vn', 'evn|energy|Tập đoàn Điện lực Việt Nam|Vietnam Electricity, EVN|www.evn.com.vn'] },
  { code: 'MY', lang: 'ms', weight: 12, licenses: [ccBy, cc0, restricted],
    places: ['Kuala Lumpur', 'Johor', 'Penang|Pulau Pinang', 'Selangor', 'Sabah', 'Sarawak', 'Malacca|Melaka', 'Perak', 'Kedah', 'Pahang', 'Putrajaya', 'Port Klang|Pelabuhan Klang'],
    publishers: ['dosm|*|Jabatan Perangkaan Malaysia|Department of Statistics Malaysia|www.dosm.gov.my', 'kkm|health|Kementerian Kesihatan Malaysia|Ministry of Health Malaysia|www.moh.gov.my',
      'bnm|finance|Bank Negara Malaysia|Central Bank of Malaysia|www.bnm.gov.my', 'jas|env|Jabatan Alam Sekitar|Department of Environment|www.doe.gov.my',
      'mot|transport|Kementerian Pengangkutan Malaysia|Ministry of Transport Malaysia|www.mot.gov.my', 'st|energy|Suruhanjaya Tenaga|Energy Commission|www.st.gov.my',
      'pka|port|Lembaga Pelabuhan Klang|Port Klang Authority|www.pka.gov.my', 'kastam|trade|Jabatan Kastam Diraja Malaysia|Royal Malaysian Customs Department|www.customs.gov.my'] },
  { code: 'SG', lang: 'en', weight: 10, licenses: ['https://data.gov.sg/open-data-licence', cc0],
    places: ['Singapore', 'Jurong', 'Tuas', 'Changi', 'Woodlands', 'Tampines', 'Pasir Panjang', 'Punggol'],
    publishers: ['singstat|*||Department of Statistics Singapore|www.singstat.gov.sg', 'mpa|port||Maritime and Port Authority of Singapore|www.mpa.gov.sg',
      'lta|transport||Land Transport Authority|www.lta.gov.sg', 'moh|health||Ministry of Health Singapore|www.moh.gov.sg', 'nea|env||National Environment Agency|www.nea.gov.sg',
      'ema|energy||Energy Market Authority|www.ema.gov.sg', 'stb|tourism||Singapore Tourism Board|www.stb.gov.sg', 'mas|finance||Monetary Authority of Singapore|www.mas.gov.sg'] },
  { code: 'TH', lang: 'th', weight: 12, licenses: [ccBy, restricted],
    places: ['Bangkok|กรุงเทพมหานคร', 'Chiang Mai|เชียงใหม่', 'Phuket|ภูเก็ต', 'Khon Kaen|ขอนแก่น', 'Chonburi|ชลบุรี', 'Laem Chabang|แหลมฉบัง', 'Songkhla|สงขลา', 'Nakhon Ratchasima|นครราชสีมา', 'Rayong|ระยอง', 'Hat Yai|หาดใหญ่'],
    publishers: ['nso|*|สำนักงานสถิติแห่งชาติ|National Statistical Office of Thailand|www.nso.go.th', 'thcustoms|trade|กรมศุลกากร|Thai Customs Department|www.customs.go.th',
      'pat|port|การท่าเรือแห่งประเทศไทย|Port Authority of Thailand|www.port.co.th', 'moph|health|กระทรวงสาธารณสุข|Ministry of Public Health|www.moph.go.th',
      'pcd|env|กรมควบคุมมลพิษ|Pollution Control Department|www.pcd.go.th', 'bot|finance|ธนาคารแห่งประเทศไทย|Bank of Thailand|www.bot.or.th',
      'tat|tourism|การท่องเที่ยวแห่งประเทศไทย|Tourism Authority of Thailand|www.tat.or.th'] },
  { code: 'ID', lang: 'id', weight: 14, licenses: [ccBy, cc0, restricted],
    places: ['Jakarta', 'Surabaya', 'Medan', 'Bandung', 'Makassar', 'Semarang', 'Batam', 'Bali', 'Tanjung Priok', 'Palembang', 'Balikpapan', 'Yogyakarta'],
    publishers: ['bps|*|Badan Pusat Statistik|Statistics Indonesia, BPS|www.bps.go.id', 'beacukai|trade|Direktorat Jenderal Bea dan Cukai|Directorate General of Customs and Excise|www.beacukai.go.id',
      'kemkes|health|Kementerian Kesehatan|Ministry of Health|www.kemkes.go.id', 'klhk|env|Kementerian Lingkungan Hidup dan Kehutanan|Ministry of Environment and Forestry|www.menlhk.go.id',
      'bi|finance|Bank Indonesia|Bank Indonesia|www.bi.go.id', 'dephub|transport|Kementerian Perhubungan|Ministry of Transportation|www.dephub.go.id',
      'pelindo|port|PT Pelabuhan Indonesia (Persero)|Indonesia Port Corporation, Pelindo|www.pelindo.co.id'] },
  { code: 'PH', lang: 'en', weight: 8, licenses: [ccBy, cc0, restricted],
    places: ['Manila', 'Cebu', 'Davao', 'Quezon City', 'Batangas', 'Subic', 'Iloilo', 'Cagayan de Oro', 'Baguio', 'Zamboanga'],
    publishers: ['psa|*||Philippine Statistics Authority|psa.gov.ph', 'boc|trade||Bureau of Customs|customs.gov.ph', 'doh|health||Department of Health|doh.gov.ph',
      'ppa|port||Philippine Ports Authority|www.ppa.com.ph', 'denr|env||Department of Environment and Natural Resources|www.denr.gov.ph',
      'bsp|finance||Bangko Sentral ng Pilipinas|www.bsp.gov.ph', 'dot|tourism||Department of Tourism|tourism.gov.ph', 'doe|energy||Department of Energy|www.doe.gov.ph'] },
];

// Simplified → traditional for the characters above, so Macao's Chinese reads traditional.
const s2t = new Map<string, string>();
const s2tPairs = '装裝货貨轮輪进進额額贸貿边邊报報关關单單转轉资資传傳种種热熱医醫数數产產妇婦卫衛总總费費气氣质質盖蓋运運温溫体體浓濃机機场場动動车車记記铁鐵游遊电電发發网網负負价價谷穀榈櫚栏欄农農业業计計迁遷学學专專师師识識毕畢区區汇匯银銀币幣应應会會预預务務员員财財联聯户戶话話统統据據标標调調册冊节節订訂试試验驗历歷县縣别別龄齡组組国國输輸监監测測录錄编編周週层層处處与與为為环環态態';
for (let i = 0; i + 1 < s2tPairs.length; i += 2) s2t.set(s2tPairs[i]!, s2tPairs[i + 1]!);
export const toTraditional = (text: string) => text.replace(/[\u4e00-\u9fff]/g, (c) => s2t.get(c) ?? c);

export const formats = [
  ['CSV', 'text/csv', 'csv'], ['XLSX', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'xlsx'],
  ['JSON', 'application/json', 'json'], ['API', 'application/json', ''], ['PDF', 'application/pdf', 'pdf'],
  ['GEOJSON', 'application/geo+json', 'geojson'], ['PARQUET', 'application/vnd.apache.parquet', 'parquet'], ['SHP', 'application/zip', 'zip'],
] as const;
export const formatWeights = [30, 18, 12, 10, 14, 6, 4, 6];

/** The vocabulary records are composed from, for drawing benchmark queries. */
export const vocabulary = {
  subjects: subjectRows.map((row) => row.t),
  places: regions.flatMap((region) => region.places.map((place) => place.split('|')[1] ?? place.split('|')[0]!)),
  frequencies: frequencyRows.map((row) => row.t),
  kinds: kindRows.map((row) => row.t),
  toTraditional,
};
