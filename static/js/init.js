import { initAll } from "/static/vendor/govuk-frontend.min.js";

initAll();
