"""One module per section of the policy document, in the order the document shows them."""
