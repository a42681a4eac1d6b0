-- wrk script of bench/tips: every request sends one tip
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"category":"public_drug_use","description":"People using in the stairwell every night.","country":"AT","lat":48.2,"lon":16.37}'
