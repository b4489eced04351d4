"""Top-level domains that make a bare word like `example.org` a domain. Offline: every country
code plus the generic domains seen in practice; a URL with a scheme needs no list."""

from __future__ import annotations

_COUNTRY_CODES = (
    "ac ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bl bm bn bo bq "
    "br bs bt bv bw by bz ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz de dj dk dm do "
    "dz ec ee eg eh er es et eu fi fj fk fm fo fr ga gb gd ge gf gg gh gi gl gm gn gp gq gr gs gt "
    "gu gw gy hk hm hn hr ht hu id ie il im in io iq ir is it je jm jo jp ke kg kh ki km kn kp kr "
    "kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md me mf mg mh mk ml mm mn mo mp mq mr ms mt "
    "mu mv mw mx my mz na nc ne nf ng ni nl no np nr nu nz om pa pe pf pg ph pk pl pm pn pr ps pt "
    "pw py qa re ro rs ru rw sa sb sc sd se sg sh si sj sk sl sm sn so sr ss st su sv sx sy sz tc "
    "td tf tg th tj tk tl tm tn to tr tt tv tw tz ua ug uk um us uy uz va vc ve vg vi vn vu wf ws "
    "ye yt za zm zw"
)
_GENERIC = (
    "com org net edu gov mil int info biz name pro mobi asia tel travel jobs app dev page xyz "
    "online site website top club shop store tech space live life world today news blog cloud "
    "link click one icu vip win bid loan work fun host press email chat social media network "
    "digital agency group company services solutions center ltd inc co onl cam porn sex xxx adult "
    "bet casino poker games game io ai gg tv me money cash finance exchange bank crypto market "
    "art design photo photos video stream fm tube red blue pink black guru ninja rocks zone"
)
TLDS = frozenset((_COUNTRY_CODES + " " + _GENERIC).split())
