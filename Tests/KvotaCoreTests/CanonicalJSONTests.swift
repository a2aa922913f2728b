import KvotaCore
import Testing

private func canonical(_ value: JSONValue) -> String { CanonicalJSON.string(value) }

@Suite("Canonical JSON (RFC 8785): structure, key order and strings")
struct CanonicalJSONTests {
    @Test("literals, containers and no insignificant whitespace")
    func structure() {
        #expect(canonical(nil) == "null")
        #expect(canonical(true) == "true")
        #expect(canonical(false) == "false")
        #expect(canonical([]) == "[]")
        #expect(canonical(.object(JSONObject())) == "{}")
        #expect(canonical([1, "a", nil, [true, []], ["k": [:]]]) == #"[1,"a",null,[true,[]],{"k":{}}]"#)
    }

    @Test("encode and string agree, and write appends to what is there")
    func entryPointsAgree() {
        let value: JSONValue = ["b": [1, .double(2.5)], "a": "x"]
        #expect(CanonicalJSON.encode(value) == Array(CanonicalJSON.string(value).utf8))
        var out = Array("prefix:".utf8)
        CanonicalJSON.write(value, to: &out)
        #expect(String(decoding: out, as: UTF8.self) == #"prefix:{"a":"x","b":[1,2.5]}"#)
    }

    @Test("ASCII keys sort by byte; a prefix sorts first; nested objects are sorted too")
    func asciiKeyOrder() {
        let value: JSONValue = ["b": 1, "aa": 2, "a": 3, "A": 4, "_": 5, "": 6, "1": ["z": 0, "y": 0]]
        #expect(canonical(value) == #"{"":6,"1":{"y":0,"z":0},"A":4,"_":5,"a":3,"aa":2,"b":1}"#)
    }

    @Test("keys sort by UTF-16 code units, not by code points: U+1F600 (D83D DE00) comes before U+E000")
    func utf16KeyOrder() {
        let value: JSONValue = ["\u{E000}": 1, "\u{1F600}": 2]
        #expect(canonical(value) == "{\"\u{1F600}\":2,\"\u{E000}\":1}")
        #expect(JSONObject.precedes("\u{1F600}", "\u{E000}"))
        #expect(!JSONObject.precedes("\u{E000}", "\u{1F600}"))
        // A key with a shared prefix: the shorter one first.
        #expect(JSONObject.precedes("\u{E9}", "\u{E9}a"))
        #expect(!JSONObject.precedes("a", "a"))
    }

    @Test("RFC 8785 section 3.2.3: the sorting example")
    func rfc8785SortingExample() throws {
        let input = #"""
            {
              "\u20ac": "Euro Sign",
              "\r": "Carriage Return",
              "\ufb33": "Hebrew Letter Dalet With Dagesh",
              "1": "One",
              "\ud83d\ude00": "Emoji: Grinning Face",
              "\u0080": "Control",
              "\u00f6": "Latin Small Letter O With Diaeresis"
            }
            """#
        let expected =
            #"{"\r":"Carriage Return","1":"One","\#u{80}":"Control","\#u{F6}":"Latin Small Letter O With Diaeresis","#
            + #""\#u{20AC}":"Euro Sign","\#u{1F600}":"Emoji: Grinning Face","#
            + #""\#u{FB33}":"Hebrew Letter Dalet With Dagesh"}"#
        #expect(CanonicalJSON.encode(try JSONParser.parse(input)) == Array(expected.utf8))
    }

    @Test("RFC 8785 section 3.2.2: the numbers, strings and literals example")
    func rfc8785Example() throws {
        let input = #"""
            {
              "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
              "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
              "literals": [null, true, false]
            }
            """#
        let expected =
            #"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"#
            + #""string":"€$\u000f\nA'B\"\\\\\"/"}"#
        #expect(CanonicalJSON.string(try JSONParser.parse(input)) == expected)
    }

    @Test("every control character is escaped: short forms for \\b \\t \\n \\f \\r, lowercase \\u00xx otherwise")
    func controlCharacters() {
        let all = String(String.UnicodeScalarView((0..<0x20).map { Unicode.Scalar(UInt8($0)) }))
        let expected =
            #""\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f"#
            + #"\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f""#
        #expect(canonical(.string(all)) == expected)
    }

    @Test("only quote and backslash are escaped among printable characters; '/', DEL, U+2028, U+2029 are raw")
    func minimalEscaping() {
        #expect(canonical(#"say "hi" \ bye"#) == #""say \"hi\" \\ bye""#)
        #expect(canonical("a/b") == #""a/b""#)
        #expect(canonical("\u{7F}") == "\"\u{7F}\"")
        #expect(canonical("\u{2028}\u{2029}") == "\"\u{2028}\u{2029}\"")
        #expect(canonical("\u{80}\u{9F}") == "\"\u{80}\u{9F}\"")
    }

    @Test("non-ASCII text is written as raw UTF-8, without normalization")
    func rawUnicode() {
        for text in ["żółć", "Қазақстан", "😀", "e\u{301}", "\u{E9}", "\u{FFFF}", "\u{10FFFF}", "a\"😀\n"] {
            let expectedBody = text.replacingEscapes()
            #expect(CanonicalJSON.encode(.string(text)) == Array(("\"" + expectedBody + "\"").utf8), "\(text)")
        }
    }

    @Test("keys are escaped like any other string")
    func escapedKeys() {
        let value: JSONValue = ["a\"b": 1, "tab\t": 2, "\u{1}": 3]
        #expect(canonical(value) == #"{"\u0001":3,"a\"b":1,"tab\t":2}"#)
    }

    @Test("numbers inside structures use the same forms as alone")
    func numbersInStructures() {
        let value: JSONValue = ["i": -5, "d": .double(1e21), "z": .double(-0.0), "f": .double(0.5)]
        #expect(canonical(value) == #"{"d":1e+21,"f":0.5,"i":-5,"z":0}"#)
    }

    @Test("canonical output is a fixed point: parsing and re-encoding gives the same bytes")
    func fixedPoint() throws {
        let input = #" { "z" : [ 1.50 , 2E1 , -0.0 ] , "a" : "\u00e9\/" , "m" : { "y" : null , "x" : true } } "#
        let once = CanonicalJSON.encode(try JSONParser.parse(input))
        #expect(String(decoding: once, as: UTF8.self) == #"{"a":"é/","m":{"x":true,"y":null},"z":[1.5,20,0]}"#)
        #expect(CanonicalJSON.encode(try JSONParser.parse(once)) == once)
    }
}

extension String {
    /// The JSON body of this string with the escapes the tests in this file use (quote, backslash, LF).
    fileprivate func replacingEscapes() -> String {
        var out = ""
        for scalar in unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
