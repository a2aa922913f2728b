/// The cases of `schema/test-vectors/canonical-events.json`: pulled envelopes (without `leafHash`),
/// written as a client might receive or re-serialise them, each meant to pin one rule of
/// `schema/canonical-encoding.md`.
enum CanonicalEventCases {
    struct Case {
        var description: String
        /// The envelope as JSON text; when `isCanonicalInput` is false it is stored as `input` too.
        var input: String
        var isCanonicalInput = false
    }

    static let meta =
        #""meta":{"actor":"almaty-1","causationId":null,"deviceId":"tablet-7","occurredAt":"2025-12-01T04:30:00.000000Z","#
        + #""recordedAt":"2025-12-01T04:30:01.250000Z","region":"KZ-75","role":"region"}"#

    /// A region's envelope around `data` (JSON text) on a test stream.
    static func envelope(_ data: String, position: Int, type: String = "TestVector") -> String {
        #"{"data":\#(data),"eventId":"0b0a1c52-7a35-4b4e-9d59-4f6d2f1a9e\#(String(format2: position))","#
            + meta + #","position":\#(position),"stream":"permit-0b0a1c52","type":"\#(type)","version":\#(position)}"#
    }

    static let cases: [Case] = [
        Case(
            description: "the example of schema/canonical-encoding.md, already canonical",
            input:
                #"{"data":{"basis":"order 123","units":14800},"eventId":"0b0a1c52-7a35-4b4e-9d59-4f6d2f1a9e01","meta":{"actor":"ministry-1","causationId":null,"deviceId":null,"occurredAt":"2025-01-05T04:00:00.000000Z","recordedAt":"2025-01-05T04:00:01.250000Z","region":null,"role":"ministry"},"position":0,"stream":"quota-2025-foreign-labour","type":"CeilingSet","version":0}"#,
            isCanonicalInput: true),
        Case(
            description:
                "members in reverse order, pretty-printed with spaces, tabs, CR LF: whitespace goes, members sort",
            input: """
                {\r
                \t"version" : 3, "type" : "PermitExtended", "stream" : "permit-3f2a0c4e",
                  "position" : 1234,
                  "meta" : { "role" : "region", "region" : "KZ-75", "recordedAt" : "2025-12-01T05:00:01.000000Z",
                             "occurredAt" : "2025-12-01T05:00:00.250000Z", "deviceId" : null,
                             "causationId" : "9e0b7c6d-5a4b-4c3d-9e2f-1a0b9c8d7e6f", "actor" : "almaty-region" },
                  "eventId" : "3f2a0c4e-1b2d-4e5f-8a9b-0c1d2e3f4a5b",
                  "data" : { "validUntil" : "2026-12-31" }
                }
                """),
        Case(
            description:
                "keys sort by UTF-16 code units: U+1F600 (surrogates D83D DE00) before U+FB01, unlike code point or UTF-8 order",
            input: envelope(
                #"{"\ufb01":"fi ligature","\ud83d\ude00":"grinning face","z":"ascii","é":"latin-1"}"#, position: 2)),
        Case(
            description: "keys sort by code units: a prefix first, uppercase before lowercase, the empty key first",
            input: envelope(#"{"ab":1,"a":2,"b":3,"B":4,"":5,"a b":6,"_":7,"~":8,"Ё":9}"#, position: 3)),
        Case(
            description:
                "string escapes: only \\\" \\\\ \\b \\t \\n \\f \\r and \\u00xx below U+0020 are escaped; / U+007F U+2028 U+2029 and emoji are written as themselves",
            input: envelope(
                #"{"text":"q\u0022 b\\ s\/ t\t n\n r\r b\b f\f nul\u0000 us\u001F del\u007f ls\u2028 ps\u2029 e\u00E9 \ud83c\uddf0\ud83c\uddff Қазақстан"}"#,
                position: 4)),
        Case(
            description: "raw non-ASCII and escaped non-ASCII give the same bytes",
            input: envelope(
                #"{"city":"Алматы","escaped":"\u0410\u043b\u043c\u0430\u0442\u044b","emoji":"😀"}"#, position: 5)),
        Case(
            description: "integers: plain digits, up to ±(2^53−1); -0 is 0",
            input: envelope(
                #"{"big":9007199254740991,"negativeBig":-9007199254740991,"zero":0,"negativeZero":-0,"units":14800,"minus":-1}"#,
                position: 6)),
        Case(
            description:
                "other numbers as ECMAScript Number.prototype.toString: exponent form outside 1e-6 ≤ |x| < 1e21, shortest digits",
            input: envelope(
                #"{"e21":1e21,"e3":1E3,"e-7":1e-7,"e-6":0.000001,"tenth":0.1,"sum":0.30000000000000004,"negZero":-0.0,"one":1.0,"half":5E-1,"smallest":5e-324,"largest":1.7976931348623157e308,"tiny":123e-20,"rate":2.50,"negative":-1.5e-9,"big":1.25e25}"#,
                position: 7)),
        Case(
            description:
                "nested data: objects sorted at every depth, arrays keep their order, empty containers, literals",
            input: envelope(
                #"{"workers":[{"ref":"w-2","n":2},{"n":1,"ref":"w-1"}],"empty":{},"none":[],"flags":[true,false,null],"deep":{"b":{"d":[[],[{}]],"c":null},"a":1}}"#,
                position: 8)),
        Case(
            description: "null members: absent meta members are written as null, null data members stay",
            input:
                #"{"data":{"reason":null,"note":null},"eventId":"0b0a1c52-7a35-4b4e-9d59-4f6d2f1a9e09","meta":{"actor":"kvotad","causationId":null,"deviceId":null,"occurredAt":"2025-12-02T00:00:00.000000Z","recordedAt":"2025-12-02T00:00:00.123456Z","region":null,"role":"system"},"position":9,"stream":"permit-0b0a1c52","type":"PermitExpired","version":9}"#
        ),
        Case(
            description: "meta extras (an operator import) are encoded with the standard members, in key order",
            input:
                #"{"data":{"units":16700,"basis":"order 1"},"eventId":"0b0a1c52-7a35-4b4e-9d59-4f6d2f1a9e10","meta":{"import":{"source":"history-2025.jsonl","line":17,"batch":"b-1"},"actor":"operator","role":"ministry","region":null,"deviceId":null,"occurredAt":"2025-01-05T04:00:00.000000Z","recordedAt":"2025-01-05T04:00:01.000000Z","causationId":null},"position":10,"stream":"quota-2026-foreign-labour","type":"CeilingSet","version":0}"#
        ),
    ]
}

extension String {
    /// Two decimal digits, zero-padded (the vectors' positions stay below 100).
    init(format2 value: Int) {
        self = value < 10 ? "0\(value)" : "\(value % 100)"
    }
}
