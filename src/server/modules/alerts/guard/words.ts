/**
 * The publishing guard's vocabularies, English and Spanish, written as the
 * guard compares them: lower case, accents removed (the guard folds text the
 * same way before it looks). Each list says why it exists; a word belongs in
 * a list only where that makes the guard block personal data or stop
 * blocking ordinary alert text.
 */

const set = (words: string) => new Set(words.trim().split(/\s+/));

/**
 * Given names common among the people an alert could name (English and
 * Spanish speakers in the US). Names that are also ordinary words or places
 * written with a capital (Will, May, Grace, Dolores, Luz, Socorro, Mercedes,
 * Victoria, Virginia, Madison, Austin, Lincoln…) are left out on purpose: a
 * given name here followed by a capitalized word is taken for a person.
 */
export const GIVEN_NAMES = set(`
  james john robert michael david richard joseph thomas charles christopher daniel matthew anthony
  donald steven steve paul andrew joshua kenneth kevin brian george timothy ronald edward jason
  jeffrey ryan jacob gary nicholas eric jonathan stephen larry justin scott brandon benjamin samuel
  gregory alexander patrick jack dennis jerry tyler aaron henry douglas peter adam nathan zachary
  walter kyle harold carl jeremy keith roger gerald ethan arthur terry christian sean lawrence joe
  noah jesse albert bryan billy bruce willie jordan dylan alan ralph gabriel roy wayne eugene logan
  randy louis russell vincent philip bobby johnny bradley mike tom jim bob dave chris tony danny
  mary patricia jennifer linda elizabeth barbara susan jessica sarah karen lisa nancy betty sandra
  margaret ashley kimberly emily donna michelle carol amanda melissa deborah stephanie rebecca sharon
  laura cynthia dorothy amy kathleen angela shirley emma brenda pamela nicole anna samantha katherine
  christine debra rachel carolyn janet maria olivia helen catherine diane julie joyce lauren kelly
  christina ruth joan judith evelyn hannah andrea megan cheryl jacqueline martha teresa gloria sara
  janice ann kathryn abigail sophia frances jean alice judy isabella julia denise danielle marilyn
  beverly charlotte natalie theresa diana brittany doris kayla alexis lori marie tiffany jenny
  jose juan luis carlos jesus antonio miguel francisco jorge pedro alejandro manuel ricardo roberto
  fernando eduardo javier rafael sergio raul mario arturo alberto enrique hector martin oscar ramon
  victor salvador pablo andres gerardo guillermo ruben alfredo ignacio hugo gustavo adrian diego
  ernesto armando alfonso rodrigo emilio felipe agustin joaquin lorenzo marco mauricio julio cesar
  octavio rogelio tomas gilberto ismael rigoberto santiago mateo sebastian nicolas leonardo emiliano
  lupe beto chuy pancho paco memo tono nacho lalo chente efrain fidel humberto jaime moises
  guadalupe juana margarita veronica leticia rosa gabriela alejandra adriana claudia silvia sofia
  ana yolanda josefina carmen isabel lucia elena norma araceli blanca irma alicia maribel beatriz
  lorena rocio monica mariana fernanda valeria daniela ximena camila paola karla liliana erika
  cristina susana angelica graciela elvira lupita reyna marisol leonor estela ofelia raquel rebeca
  natalia paula yesenia griselda maricela rosalba
  xochitl citlali itzel nayeli yatziri cuauhtemoc itzel anahi dulce karina wendy ingrid jeniffer
  deshawn darnell tyrone jamal malik marcus andre terrell lamar darius keisha latoya tanisha imani
  aaliyah shanice ebony jasmine destiny precious
  mohammed muhammad mohamed mohammad ahmed ahmad omar yusuf hassan hussein khalid mustafa ibrahim
  fatima aisha layla zainab mariam yasmin
  priya raj rahul anil sunil deepak arjun vijay sanjay anjali pooja neha sunita
  armen arman narek tigran ani anush lilit nguyen thanh minh linh
`);

/** Titles before a name: "Officer Smith", "la agente Ramírez", "Sra. López", "Tía Lupe". */
export const TITLES = set(`
  mr mrs ms miss dr officer agent deputy sgt sergeant lt lieutenant captain capt det detective
  trooper marshal sr sra srta senor senora senorita don dona agente oficial policia sargento teniente
  comandante licenciado licenciada lic tio tia profesor profesora maestro maestra
`);

/** Words that introduce a name: "named Maria", "se llama José" ("name is", "de nombre" are pairs). */
export const CALLED = set('named called llamado llamada llama');

/**
 * Words before a given name that make it a place, not a person: "San Pedro",
 * "Santa Ana", "Mount Carmel", "Colonia Guadalupe".
 */
export const PLACE_BEFORE = set(`
  san santa santo saint st mount mt fort ft lake port villa colonia col calle avenida av parque
  escuela iglesia hospital virgen nuestra senora
`);

/**
 * Words after a name that make it a place: "Cesar Chavez Ave", "Ramona
 * Gardens", "Martin Luther King Jr Blvd", "Jordan Downs", "Lincoln Heights".
 */
export const PLACE_AFTER = set(`
  st street ave av avenue blvd boulevard rd road dr drive way ln lane pl place ct court pkwy parkway
  hwy highway fwy freeway terrace ter cir circle sq square park heights hills hill valley village
  gardens garden homes courts downs estates plaza center centre market mall school elementary high
  middle academy college university library hospital clinic church cathedral mission memorial
  recreation rec beach lake river canyon bridge station airport stadium community jr sr metro
  calle avenida parque escuela plaza mercado iglesia puente estacion colonia centro clinica biblioteca
  primaria secundaria preparatoria
`);

/** Streets and places named after people that alerts mention every day (checked with any accents removed). */
export const PUBLIC_NAMES = ['cesar chavez', 'cesar e chavez', 'martin luther king', 'jose marti'];

/** Short words that may sit between a given name and a surname: "María de la Cruz", "Ana M. López". */
export const NAME_PARTICLES = set('de del la las los van von da di du le');

/** Capitalized words that are not surnames: articles, months, days, agencies, words of the trade. */
export const NOT_SURNAMES = set(`
  the a an and or of in on at to for el la los las y o de del en con por para un una
  ice cbp hsi dhs ero fbi dea atf lapd lasd chp usa us eeuu uu border patrol homeland security
  sheriff sheriffs police policia migra federal federales immigration inmigracion
  update alert alerta actualizacion rumor know conozca
`);

/** Month and weekday names, full and short, both languages: "Nov 29", "29 de noviembre", "Monday". */
export const CALENDAR = set(`
  january february march april may june july august september october november december
  jan feb mar apr jun jul aug sep sept oct nov dec
  enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre noviembre diciembre
  ene abr ago dic
  monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun
  lunes martes miercoles jueves viernes sabado domingo
`);

/**
 * What is counted in alerts, so "12 agents", "3 vehicles", "Pacoima 12
 * agentes" are counts, never house numbers.
 */
export const COUNT_NOUNS = set(`
  agent agents officer officers deputy deputies vehicle vehicles car cars truck trucks van vans suv suvs
  bus buses unit units person persons people men women man woman child children kid kids family
  families minute minutes min mins hour hours hr hrs h day days week weeks block blocks mile miles mi km
  meter meters m feet ft am pm arrest arrests raid raids report reports
  agente agentes oficial oficiales vehiculo vehiculos carro carros camioneta camionetas patrulla
  patrullas camion camiones unidad unidades persona personas hombre hombres mujer mujeres nino ninos
  familia familias minuto minutos hora horas dia dias semana semanas cuadra cuadras milla millas
  metro metros arresto arrestos redada redadas reporte reportes
`);

/**
 * Words a number follows that are not addresses: roads by number, laws,
 * transit lines, rooms, steps ("Interstate 5", "AB 450", "Line 720",
 * "Section 287", "Covid 19", "Update 2").
 */
export const NUMBERED_THINGS = set(`
  interstate i us sr hwy highway route ruta fwy freeway carretera autopista
  ab sb hb hr prop proposition proposicion section seccion title titulo article articulo
  line linea bus metro train tren channel canal local room sala gate puerta terminal level nivel
  piso floor step paso part parte phase fase version zone zona update actualizacion alert alerta
  page pagina chapter capitulo grade grado year ano week semana day dia covid
  number numero no ley law univision telemundo kmex
`);

/** All-caps words of the trade (agencies, vehicles, times of day): "12 ICE agents", "2 SUV", "10 AM". */
export const ACRONYMS = set(`
  am pm ice cbp hsi dhs ero fbi dea atf lapd lasd chp usa eeuu suv suvs
`);

/** Street suffixes after a house number and a street name: "1234 W Olympic Blvd". */
export const STREET_SUFFIXES = set(`
  st street ave av avenue blvd boulevard rd road dr drive way ln lane pl place ct court pkwy parkway
  hwy highway terrace ter cir circle sq square
`);

/** Small words a street name does not contain, so "110 Freeway near the 4th Street" is no address. */
export const NOT_IN_STREET_NAMES = set('near the and or at on in by to from with y o en cerca por con');

/** "Los" in "Los Angeles", "El" in "El Sereno": capitalized articles that begin place names. */
export const PLACE_ARTICLES = set('los las el la del');

/** Verbs a phone number follows, not a street name: "Call 911", "Llame al 911", "Text 51555". */
export const BEFORE_NUMBERS = set('call text dial llame marque envie al');

/** Compass words between a house number and a street name: "815 S. Main", "1420 East Whittier". */
export const DIRECTIONS = set(
  'n s e w ne nw se sw north south east west norte sur este oeste poniente oriente',
);

/** Spanish street words before a name and a number: "Calle Olvera 320", "Av. Juárez #45". */
export const STREET_WORDS_ES = set(`
  calle c avenida av avda calzada calz bulevar boulevard blvd callejon privada carretera camino
  andador cerrada circuito prolongacion prol paseo
`);

/** Words for "number" before a house or badge number: "número 120", "núm. 45", "No. 12". */
export const NUMBER_WORDS = set('numero num no n nro number nº');

/** Officer and identity-document words a badge or ID number follows: "badge 4471", "placa 4471", "agente 4471". */
export const BADGE_WORDS = set(`
  badge id serial officer agent deputy sergeant sgt detective det trooper lieutenant lt captain
  employee star
  placa agente oficial credencial gafete identificacion sargento policia teniente comandante empleado
  nomina matricula
`);

/** Words that may come between an officer word and the number: "badge number was 4471", "número de placa: 4471". */
export const BADGE_FILLERS = set(`
  number no num numero nro is was reads read said says shows showed with his her their its of
  es era dice decia tenia tiene de del la el su sus con badge placa id
`);

/** Top-level domains a bare host must end with to be taken for a link: "evil.org", "t.me/raids". */
export const TLDS = set(`
  com org net io info gov edu us mx co app link ly me tv xyz site online biz es ca uk de fr ru cn in
  br ar cl pe gt sv hn ni cr pa cu do ve ec bo py uy news live page club top shop store blog
`);
