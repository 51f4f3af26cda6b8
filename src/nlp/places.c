/*
 * places.c: the places people ask the time of, as one table.
 *
 * Each row is a place (a city, a single-zone country, or a zone name such as UTC), its IANA zone,
 * its display names, the Russian prepositional case for "в ...", and every form a user may type,
 * already normalised (nlp/text.h: lower case, ё -> е, hyphens as spaces): the English names, the
 * Russian nominative, genitive, prepositional (and accusative when it differs), nicknames ("питер",
 * "спб", "мск") and, for a few countries, the name of the country.
 *
 * The table is small (about a hundred rows), so lookup is a linear scan; rows are sorted by
 * English name so that a reader (and a test) can find duplicates. Forms are compared with spaces
 * ignored, so "нью йорк", "нью-йорк" and "ньюйорк" all match whichever way the normaliser treats
 * a hyphen. Countries with several zones (Russia, the USA, Canada, Australia) map to their
 * capital or largest city only where that is what people mean almost always (Russia: Moscow).
 */
#include <string.h>

#include "nlp/places.h"

struct place_row {
    struct sym_place place;
    const char *forms; /* normalised forms, '|'-separated */
};

/* clang-format off */
static const struct place_row places[] = {
    {{"Asia/Almaty", {"Almaty", "Алматы"}, "Алматы"}, "almaty|alma ata|алматы|алма ата"},
    {{"Europe/Amsterdam", {"Amsterdam", "Амстердам"}, "Амстердаме"},
     "amsterdam|амстердам|амстердаме|амстердама|netherlands|holland|нидерланды|нидерландах|"
     "голландия|голландии"},
    {{"Asia/Anadyr", {"Anadyr", "Анадырь"}, "Анадыре"},
     "anadyr|анадырь|анадыре|анадыря|chukotka|чукотка|чукотке|чукотки"},
    {{"Europe/Istanbul", {"Antalya", "Анталья"}, "Анталье"},
     "antalya|анталья|анталье|анталии|анталия|антальи"},
    {{"Europe/Moscow", {"Arkhangelsk", "Архангельск"}, "Архангельске"},
     "arkhangelsk|архангельск|архангельске|архангельска"},
    {{"Asia/Yerevan", {"Armenia", "Армения"}, "Армении"}, "armenia|армения|армении|армению"},
    {{"Asia/Almaty", {"Astana", "Астана"}, "Астане"},
     "astana|nur sultan|астана|астане|астаны|астану|нур султан"},
    {{"Europe/Astrakhan", {"Astrakhan", "Астрахань"}, "Астрахани"},
     "astrakhan|астрахань|астрахани"},
    {{"Europe/Athens", {"Athens", "Афины"}, "Афинах"}, "athens|афины|афинах|афин"},
    {{"Pacific/Auckland", {"Auckland", "Окленд"}, "Окленде"},
     "auckland|окленд|окленде|окленда|new zealand|новая зеландия|новой зеландии"},
    {{"Asia/Baku", {"Azerbaijan", "Азербайджан"}, "Азербайджане"},
     "azerbaijan|азербайджан|азербайджане|азербайджана"},
    {{"Asia/Baku", {"Baku", "Баку"}, "Баку"}, "baku|баку"},
    {{"Asia/Bangkok", {"Bangkok", "Бангкок"}, "Бангкоке"}, "bangkok|бангкок|бангкоке|бангкока"},
    {{"Asia/Barnaul", {"Barnaul", "Барнаул"}, "Барнауле"}, "barnaul|барнаул|барнауле|барнаула"},
    {{"Asia/Shanghai", {"Beijing", "Пекин"}, "Пекине"}, "beijing|peking|пекин|пекине|пекина"},
    {{"Europe/Minsk", {"Belarus", "Беларусь"}, "Беларуси"},
     "belarus|беларусь|беларуси|белоруссия|белоруссии"},
    {{"Europe/Belgrade", {"Belgrade", "Белград"}, "Белграде"},
     "belgrade|белград|белграде|белграда|serbia|сербия|сербии"},
    {{"Europe/Berlin", {"Berlin", "Берлин"}, "Берлине"}, "berlin|берлин|берлине|берлина"},
    {{"Asia/Bishkek", {"Bishkek", "Бишкек"}, "Бишкеке"},
     "bishkek|бишкек|бишкеке|бишкека|kyrgyzstan|киргизия|киргизии|кыргызстан|кыргызстане"},
    {{"America/New_York", {"Boston", "Бостон"}, "Бостоне"}, "boston|бостон|бостоне|бостона"},
    {{"America/Argentina/Buenos_Aires", {"Buenos Aires", "Буэнос-Айрес"}, "Буэнос-Айресе"},
     "buenos aires|буэнос айрес|буэнос айресе|буэнос айреса|argentina|аргентина|аргентине"},
    {{"Africa/Cairo", {"Cairo", "Каир"}, "Каире"}, "cairo|каир|каире|каира"},
    {{"Asia/Yekaterinburg", {"Chelyabinsk", "Челябинск"}, "Челябинске"},
     "chelyabinsk|челябинск|челябинске|челябинска"},
    {{"America/Chicago", {"Chicago", "Чикаго"}, "Чикаго"}, "chicago|чикаго"},
    {{"Asia/Shanghai", {"China", "Китай"}, "Китае"}, "china|китай|китае|китая"},
    {{"Europe/Chisinau", {"Chisinau", "Кишинёв"}, "Кишинёве"},
     "chisinau|kishinev|кишинев|кишиневе|кишинева|moldova|молдова|молдове|молдавия|молдавии"},
    {{"Asia/Chita", {"Chita", "Чита"}, "Чите"}, "chita|чита|чите|читы|читу"},
    {{"Europe/Prague", {"Czechia", "Чехия"}, "Чехии"},
     "czechia|czech republic|чехия|чехии|чехию"},
    {{"Asia/Kolkata", {"Delhi", "Дели"}, "Дели"}, "delhi|new delhi|дели|нью дели"},
    {{"America/Denver", {"Denver", "Денвер"}, "Денвере"}, "denver|денвер|денвере|денвера"},
    {{"Asia/Dubai", {"Dubai", "Дубай"}, "Дубае"}, "dubai|дубай|дубае|дубая|дубаи"},
    {{"Asia/Dushanbe", {"Dushanbe", "Душанбе"}, "Душанбе"},
     "dushanbe|душанбе|tajikistan|таджикистан|таджикистане"},
    {{"Africa/Cairo", {"Egypt", "Египет"}, "Египте"}, "egypt|египет|египте|египта"},
    {{"Europe/Helsinki", {"Finland", "Финляндия"}, "Финляндии"},
     "finland|финляндия|финляндии|финляндию"},
    {{"Europe/Paris", {"France", "Франция"}, "Франции"}, "france|франция|франции|францию"},
    {{"Etc/GMT", {"GMT", "GMT"}, "GMT"}, "gmt|greenwich|гринвич|гринвичу|по гринвичу|по gmt"},
    {{"Asia/Tbilisi", {"Georgia", "Грузия"}, "Грузии"}, "грузия|грузии|грузию"},
    {{"Europe/Berlin", {"Germany", "Германия"}, "Германии"}, "germany|германия|германии|германию"},
    {{"Europe/Athens", {"Greece", "Греция"}, "Греции"}, "greece|греция|греции|грецию"},
    {{"Europe/Helsinki", {"Helsinki", "Хельсинки"}, "Хельсинки"}, "helsinki|хельсинки"},
    {{"Asia/Ho_Chi_Minh", {"Ho Chi Minh City", "Хошимин"}, "Хошимине"},
     "ho chi minh city|ho chi minh|saigon|хошимин|хошимине|хошимина|сайгон|сайгоне"},
    {{"Asia/Hong_Kong", {"Hong Kong", "Гонконг"}, "Гонконге"},
     "hong kong|гонконг|гонконге|гонконга"},
    {{"Pacific/Honolulu", {"Honolulu", "Гонолулу"}, "Гонолулу"},
     "honolulu|hawaii|гонолулу|гавайи|гавайях|гавайев"},
    {{"Asia/Kolkata", {"India", "Индия"}, "Индии"}, "india|индия|индии|индию"},
    {{"Asia/Tehran", {"Iran", "Иран"}, "Иране"}, "iran|иран|иране|ирана"},
    {{"Asia/Irkutsk", {"Irkutsk", "Иркутск"}, "Иркутске"},
     "irkutsk|иркутск|иркутске|иркутска|baikal|байкал|байкале"},
    {{"Asia/Jerusalem", {"Israel", "Израиль"}, "Израиле"}, "israel|израиль|израиле|израиля"},
    {{"Europe/Istanbul", {"Istanbul", "Стамбул"}, "Стамбуле"},
     "istanbul|стамбул|стамбуле|стамбула"},
    {{"Europe/Rome", {"Italy", "Италия"}, "Италии"}, "italy|италия|италии|италию"},
    {{"Asia/Jakarta", {"Jakarta", "Джакарта"}, "Джакарте"},
     "jakarta|джакарта|джакарте|джакарты|джакарту"},
    {{"Asia/Tokyo", {"Japan", "Япония"}, "Японии"}, "japan|япония|японии|японию"},
    {{"Asia/Jerusalem", {"Jerusalem", "Иерусалим"}, "Иерусалиме"},
     "jerusalem|иерусалим|иерусалиме|иерусалима"},
    {{"Africa/Johannesburg", {"Johannesburg", "Йоханнесбург"}, "Йоханнесбурге"},
     "johannesburg|йоханнесбург|йоханнесбурге|south africa|юар"},
    {{"Europe/Kaliningrad", {"Kaliningrad", "Калининград"}, "Калининграде"},
     "kaliningrad|калининград|калининграде|калининграда"},
    {{"Asia/Kathmandu", {"Kathmandu", "Катманду"}, "Катманду"},
     "kathmandu|катманду|nepal|непал|непале"},
    {{"Asia/Almaty", {"Kazakhstan", "Казахстан"}, "Казахстане"},
     "kazakhstan|казахстан|казахстане|казахстана"},
    {{"Europe/Moscow", {"Kazan", "Казань"}, "Казани"}, "kazan|казань|казани"},
    {{"Asia/Novokuznetsk", {"Kemerovo", "Кемерово"}, "Кемерове"},
     "kemerovo|кемерово|кемерове|kuzbass|кузбасс|кузбассе"},
    {{"Asia/Vladivostok", {"Khabarovsk", "Хабаровск"}, "Хабаровске"},
     "khabarovsk|хабаровск|хабаровске|хабаровска"},
    {{"Europe/Moscow", {"Krasnodar", "Краснодар"}, "Краснодаре"},
     "krasnodar|краснодар|краснодаре|краснодара"},
    {{"Asia/Krasnoyarsk", {"Krasnoyarsk", "Красноярск"}, "Красноярске"},
     "krasnoyarsk|красноярск|красноярске|красноярска"},
    {{"Europe/Kyiv", {"Kyiv", "Киев"}, "Киеве"},
     "kyiv|kiev|киев|киеве|киева|київ|києві|києва|ukraine|украина|украине|украины"},
    {{"Europe/Lisbon", {"Lisbon", "Лиссабон"}, "Лиссабоне"},
     "lisbon|лиссабон|лиссабоне|лиссабона|portugal|португалия|португалии"},
    {{"Europe/London", {"London", "Лондон"}, "Лондоне"},
     "london|лондон|лондоне|лондона|uk|united kingdom|britain|great britain|england|англия|"
     "англии|британия|британии|великобритания|великобритании"},
    {{"America/Los_Angeles", {"Los Angeles", "Лос-Анджелес"}, "Лос-Анджелесе"},
     "los angeles|la|лос анджелес|лос анджелесе|лос анджелеса"},
    {{"Europe/Madrid", {"Madrid", "Мадрид"}, "Мадриде"}, "madrid|мадрид|мадриде|мадрида"},
    {{"Asia/Magadan", {"Magadan", "Магадан"}, "Магадане"}, "magadan|магадан|магадане|магадана"},
    {{"Australia/Melbourne", {"Melbourne", "Мельбурн"}, "Мельбурне"},
     "melbourne|мельбурн|мельбурне|мельбурна"},
    {{"America/Mexico_City", {"Mexico City", "Мехико"}, "Мехико"},
     "mexico city|mexico|мехико|мексика|мексике|мексики"},
    {{"America/New_York", {"Miami", "Майами"}, "Майами"}, "miami|майами"},
    {{"Europe/Minsk", {"Minsk", "Минск"}, "Минске"}, "minsk|минск|минске|минска"},
    {{"Europe/Moscow", {"Moscow", "Москва"}, "Москве"},
     "moscow|moscow time|msk|москва|москве|москвы|москву|мск|московское время|"
     "московскому времени|по москве|по мск|russia|россия|россии"},
    {{"Asia/Kolkata", {"Mumbai", "Мумбаи"}, "Мумбаи"}, "mumbai|bombay|мумбаи|бомбей|бомбее"},
    {{"Europe/Moscow", {"Murmansk", "Мурманск"}, "Мурманске"},
     "murmansk|мурманск|мурманске|мурманска"},
    {{"America/New_York", {"New York", "Нью-Йорк"}, "Нью-Йорке"},
     "new york|new york city|nyc|ny|нью йорк|нью йорке|нью йорка"},
    {{"Europe/Moscow", {"Nizhny Novgorod", "Нижний Новгород"}, "Нижнем Новгороде"},
     "nizhny novgorod|нижний новгород|нижнем новгороде|нижнего новгорода|нижний|нижнем"},
    {{"Asia/Novosibirsk", {"Novosibirsk", "Новосибирск"}, "Новосибирске"},
     "novosibirsk|новосибирск|новосибирске|новосибирска|нск"},
    {{"Asia/Omsk", {"Omsk", "Омск"}, "Омске"}, "omsk|омск|омске|омска"},
    {{"Europe/Paris", {"Paris", "Париж"}, "Париже"}, "paris|париж|париже|парижа"},
    {{"Asia/Yekaterinburg", {"Perm", "Пермь"}, "Перми"}, "perm|пермь|перми"},
    {{"Asia/Kamchatka", {"Petropavlovsk-Kamchatsky", "Петропавловск-Камчатский"},
      "Петропавловске-Камчатском"},
     "petropavlovsk kamchatsky|petropavlovsk|kamchatka|петропавловск камчатский|"
     "петропавловске камчатском|петропавловск|петропавловске|камчатка|камчатке|камчатки|"
     "камчатку|камчатский край"},
    {{"Europe/Warsaw", {"Poland", "Польша"}, "Польше"}, "poland|польша|польше|польши|польшу"},
    {{"Europe/Prague", {"Prague", "Прага"}, "Праге"}, "prague|прага|праге|праги|прагу"},
    {{"Europe/Riga", {"Riga", "Рига"}, "Риге"},
     "riga|рига|риге|риги|ригу|latvia|латвия|латвии"},
    {{"America/Sao_Paulo", {"Rio de Janeiro", "Рио-де-Жанейро"}, "Рио-де-Жанейро"},
     "rio de janeiro|rio|рио де жанейро|рио"},
    {{"Europe/Rome", {"Rome", "Рим"}, "Риме"}, "rome|рим|риме|рима"},
    {{"Europe/Moscow", {"Rostov-on-Don", "Ростов-на-Дону"}, "Ростове-на-Дону"},
     "rostov on don|rostov|ростов на дону|ростове на дону|ростова на дону|ростов|ростове"},
    {{"Europe/Moscow", {"Saint Petersburg", "Санкт-Петербург"}, "Санкт-Петербурге"},
     "saint petersburg|st petersburg|petersburg|spb|санкт петербург|санкт петербурге|"
     "санкт петербурга|петербург|петербурге|петербурга|питер|питере|питера|спб|ленинград"},
    {{"Europe/Samara", {"Samara", "Самара"}, "Самаре"}, "samara|самара|самаре|самары|самару"},
    {{"America/Los_Angeles", {"San Francisco", "Сан-Франциско"}, "Сан-Франциско"},
     "san francisco|sf|сан франциско"},
    {{"Europe/Saratov", {"Saratov", "Саратов"}, "Саратове"}, "saratov|саратов|саратове|саратова"},
    {{"Asia/Seoul", {"Seoul", "Сеул"}, "Сеуле"},
     "seoul|сеул|сеуле|сеула|korea|south korea|корея|корее|южная корея|южной корее"},
    {{"Europe/Simferopol", {"Sevastopol", "Севастополь"}, "Севастополе"},
     "sevastopol|севастополь|севастополе|севастополя"},
    {{"Asia/Shanghai", {"Shanghai", "Шанхай"}, "Шанхае"}, "shanghai|шанхай|шанхае|шанхая"},
    {{"Europe/Simferopol", {"Simferopol", "Симферополь"}, "Симферополе"},
     "simferopol|симферополь|симферополе|симферополя|crimea|крым|крыму|крыма"},
    {{"Asia/Singapore", {"Singapore", "Сингапур"}, "Сингапуре"},
     "singapore|сингапур|сингапуре|сингапура"},
    {{"Europe/Moscow", {"Sochi", "Сочи"}, "Сочи"}, "sochi|сочи"},
    {{"Europe/Madrid", {"Spain", "Испания"}, "Испании"}, "spain|испания|испании|испанию"},
    {{"Europe/Stockholm", {"Stockholm", "Стокгольм"}, "Стокгольме"},
     "stockholm|стокгольм|стокгольме|стокгольма|sweden|швеция|швеции"},
    {{"Australia/Sydney", {"Sydney", "Сидней"}, "Сиднее"},
     "sydney|сидней|сиднее|сиднея|australia|австралия|австралии"},
    {{"America/Sao_Paulo", {"São Paulo", "Сан-Паулу"}, "Сан-Паулу"},
     "são paulo|sao paulo|сан паулу|brazil|бразилия|бразилии"},
    {{"Europe/Tallinn", {"Tallinn", "Таллин"}, "Таллине"},
     "tallinn|таллин|таллинн|таллине|таллинне|estonia|эстония|эстонии"},
    {{"Asia/Tashkent", {"Tashkent", "Ташкент"}, "Ташкенте"},
     "tashkent|ташкент|ташкенте|ташкента|uzbekistan|узбекистан|узбекистане"},
    {{"Asia/Tbilisi", {"Tbilisi", "Тбилиси"}, "Тбилиси"}, "tbilisi|тбилиси"},
    {{"Asia/Tehran", {"Tehran", "Тегеран"}, "Тегеране"}, "tehran|тегеран|тегеране|тегерана"},
    {{"Asia/Jerusalem", {"Tel Aviv", "Тель-Авив"}, "Тель-Авиве"},
     "tel aviv|тель авив|тель авиве|тель авива"},
    {{"Asia/Bangkok", {"Thailand", "Таиланд"}, "Таиланде"},
     "thailand|таиланд|таиланде|таиланда|тайланд|тайланде"},
    {{"Asia/Tokyo", {"Tokyo", "Токио"}, "Токио"}, "tokyo|токио"},
    {{"Asia/Tomsk", {"Tomsk", "Томск"}, "Томске"}, "tomsk|томск|томске|томска"},
    {{"America/Toronto", {"Toronto", "Торонто"}, "Торонто"}, "toronto|торонто"},
    {{"Europe/Istanbul", {"Turkey", "Турция"}, "Турции"}, "turkey|turkiye|турция|турции|турцию"},
    {{"Asia/Yekaterinburg", {"Tyumen", "Тюмень"}, "Тюмени"}, "tyumen|тюмень|тюмени"},
    {{"Asia/Dubai", {"UAE", "ОАЭ"}, "ОАЭ"},
     "uae|united arab emirates|emirates|оаэ|эмираты|эмиратах|эмиратов"},
    {{"Etc/UTC", {"UTC", "UTC"}, "UTC"},
     "utc|universal time|coordinated universal time|всемирное время|всемирному времени|по utc"},
    {{"Asia/Yekaterinburg", {"Ufa", "Уфа"}, "Уфе"}, "ufa|уфа|уфе|уфы|уфу|bashkortostan|башкирия"},
    {{"Asia/Ulaanbaatar", {"Ulaanbaatar", "Улан-Батор"}, "Улан-Баторе"},
     "ulaanbaatar|ulan bator|улан батор|улан баторе|улан батора|mongolia|монголия|монголии"},
    {{"Europe/Ulyanovsk", {"Ulyanovsk", "Ульяновск"}, "Ульяновске"},
     "ulyanovsk|ульяновск|ульяновске|ульяновска"},
    {{"America/Vancouver", {"Vancouver", "Ванкувер"}, "Ванкувере"},
     "vancouver|ванкувер|ванкувере|ванкувера"},
    {{"Europe/Vienna", {"Vienna", "Вена"}, "Вене"},
     "vienna|вена|вене|вены|вену|austria|австрия|австрии"},
    {{"Asia/Ho_Chi_Minh", {"Vietnam", "Вьетнам"}, "Вьетнаме"}, "vietnam|вьетнам|вьетнаме|вьетнама"},
    {{"Europe/Vilnius", {"Vilnius", "Вильнюс"}, "Вильнюсе"},
     "vilnius|вильнюс|вильнюсе|вильнюса|lithuania|литва|литве"},
    {{"Asia/Vladivostok", {"Vladivostok", "Владивосток"}, "Владивостоке"},
     "vladivostok|владивосток|владивостоке|владивостока"},
    {{"Europe/Volgograd", {"Volgograd", "Волгоград"}, "Волгограде"},
     "volgograd|волгоград|волгограде|волгограда"},
    {{"Europe/Moscow", {"Voronezh", "Воронеж"}, "Воронеже"}, "voronezh|воронеж|воронеже|воронежа"},
    {{"Europe/Warsaw", {"Warsaw", "Варшава"}, "Варшаве"}, "warsaw|варшава|варшаве|варшавы|варшаву"},
    {{"America/New_York", {"Washington", "Вашингтон"}, "Вашингтоне"},
     "washington|washington dc|dc|вашингтон|вашингтоне|вашингтона"},
    {{"Asia/Yakutsk", {"Yakutsk", "Якутск"}, "Якутске"},
     "yakutsk|якутск|якутске|якутска|yakutia|якутия|якутии"},
    {{"Asia/Yekaterinburg", {"Yekaterinburg", "Екатеринбург"}, "Екатеринбурге"},
     "yekaterinburg|ekaterinburg|екатеринбург|екатеринбурге|екатеринбурга|екб|екат"},
    {{"Asia/Yerevan", {"Yerevan", "Ереван"}, "Ереване"}, "yerevan|ереван|ереване|еревана"},
    {{"Asia/Sakhalin", {"Yuzhno-Sakhalinsk", "Южно-Сахалинск"}, "Южно-Сахалинске"},
     "yuzhno sakhalinsk|sakhalin|южно сахалинск|южно сахалинске|сахалин|сахалине"},
};
/* clang-format on */

#define N_PLACES (sizeof places / sizeof places[0])

/* True when form (len bytes) equals name with spaces ignored on both sides. */
static int same_ignoring_spaces(const char *form, size_t len, const char *name)
{
    const char *end = form + len;

    for (;;) {
        while (form < end && *form == ' ')
            form++;
        while (*name == ' ')
            name++;
        if (form == end || !*name)
            return form == end && !*name;
        if (*form++ != *name++)
            return 0;
    }
}

const struct sym_place *sym_place_find(const char *norm_name)
{
    size_t i;

    if (!norm_name || !*norm_name)
        return NULL;
    for (i = 0; i < N_PLACES; i++) {
        const char *f = places[i].forms;

        while (*f) {
            size_t n = strcspn(f, "|");

            if (same_ignoring_spaces(f, n, norm_name))
                return &places[i].place;
            f += n + (f[n] == '|');
        }
    }
    return NULL;
}

size_t sym_place_count(void)
{
    return N_PLACES;
}

const struct sym_place *sym_place_at(size_t i)
{
    return i < N_PLACES ? &places[i].place : NULL;
}

const char *sym_place_forms(size_t i)
{
    return i < N_PLACES ? places[i].forms : NULL;
}
