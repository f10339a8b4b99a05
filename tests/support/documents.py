"""Small documents the tests write themselves (no dataset text)."""

from __future__ import annotations

from llama_cloud.types.classifier import ClassifierRuleParam


def make_pdf(pages: list[list[str]], sizes: list[tuple[int, int]] | None = None) -> bytes:
    """A born-digital PDF with one Helvetica text line per string, one list per page;
    `sizes` gives each page's (width, height) in points (default: US Letter)."""
    objects: list[bytes] = []
    page_ids = [4 + 2 * i for i in range(len(pages))]
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    kids = " ".join(f"{pid} 0 R" for pid in page_ids)
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for index, lines in enumerate(pages):
        content_id = page_ids[index] + 1
        width, height = sizes[index] if sizes else (612, 792)
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width} {height}] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {content_id} 0 R >>".encode()
        )
        ops = ["BT", "/F1 11 Tf", "14 TL", f"50 {height - 52} Td"]
        for line in lines:
            escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(f"({escaped}) Tj T*")
        ops.append("ET")
        stream = "\n".join(ops).encode("latin-1")
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


RULES: list[ClassifierRuleParam] = [
    {
        "type": "invoice",
        "description": "A bill asking a customer for payment: invoice number, amount due, tax, "
        "payment terms and the goods or services sold.",
    },
    {
        "type": "recipe",
        "description": "Cooking instructions for a dish: ingredients with quantities, oven "
        "temperature, baking or cooking steps and servings.",
    },
    {
        "type": "match_report",
        "description": "A report of a sports match: the teams, the final score, goals, players, "
        "the coach and the league table.",
    },
]

INVOICE_TEXT = (
    "INVOICE number 2024-117\nBilled to: Harbour Tools Ltd\n"
    "Consulting services, 12 hours at 90.00 per hour\nTax (VAT 20%): 216.00\n"
    "Amount due: 1296.00 EUR\nPayment terms: 30 days. Please pay the invoice amount due "
    "to the account below.\n"
)
RECIPE_TEXT = (
    "# Lemon drizzle cake\n\nServes 8.\n\n## Ingredients\n\n- 225 g butter\n- 225 g sugar\n"
    "- 4 eggs\n- 2 lemons\n\n## Method\n\nHeat the oven to 180 C. Beat the butter and sugar, "
    "add the eggs, fold in flour. Bake for 45 minutes; pour the lemon syrup over the warm cake. "
    "Cooking tip: these ingredients make a moist cake.\n"
)
MATCH_HTML = (
    "<html><head><title>Match report</title><style>p{color:red}</style></head><body>"
    "<h1>Rovers 3 - 1 United</h1><p>The home team won the match with two goals from their "
    "striker. The coach praised the players after the final score lifted Rovers to second in "
    "the league table.</p><script>var x = 'invoice';</script></body></html>"
)
INVOICE_CSV = (
    "invoice_number,item,quantity,unit_price,tax,amount_due\n"
    "INV-77,printer paper,10,4.50,9.00,54.00\nINV-77,toner,2,60.00,24.00,144.00\n"
)
RECIPE_PDF_LINES = [
    [
        "Tomato soup recipe",
        "Ingredients: 1 kg tomatoes, 1 onion, 2 cloves garlic, olive oil, salt.",
        "Cook the onion in oil, add the tomatoes and simmer for 20 minutes.",
        "Blend, season and serve hot. Servings: 4. Oven not needed for this dish.",
    ]
]


def five_documents() -> dict[str, tuple[bytes, str]]:
    """Five files of different kinds with their expected rule type."""
    return {
        "invoice.txt": (INVOICE_TEXT.encode(), "invoice"),
        "cake.md": (RECIPE_TEXT.encode(), "recipe"),
        "match.html": (MATCH_HTML.encode(), "match_report"),
        "lines.csv": (INVOICE_CSV.encode(), "invoice"),
        "soup.pdf": (make_pdf(RECIPE_PDF_LINES), "recipe"),
    }
