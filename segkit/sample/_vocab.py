"""Word lists for the sample generator: countries, real cities, names, companies, topics.

Everything here is plain data; the generator turns it into numpy code arrays once at import.
"""

from __future__ import annotations

# -- countries ---------------------------------------------------------------------------------

COUNTRIES = ["US", "GB", "DE", "FR", "CA", "AU", "NL", "ES", "IN", "BR"]
COUNTRY_WEIGHTS = [0.34, 0.10, 0.09, 0.07, 0.06, 0.05, 0.04, 0.05, 0.12, 0.08]
COUNTRY_NAMES = {
    "US": "United States", "GB": "United Kingdom", "DE": "Germany", "FR": "France",
    "CA": "Canada", "AU": "Australia", "NL": "Netherlands", "ES": "Spain", "IN": "India",
    "BR": "Brazil",
}  # fmt: skip
# name locale of each country's residents (before the share of people with names from elsewhere)
COUNTRY_LOCALE = {
    "US": "en", "GB": "en", "CA": "en", "AU": "en", "DE": "de", "FR": "fr", "NL": "nl",
    "ES": "es", "IN": "in", "BR": "br",
}  # fmt: skip
COMPANY_SUFFIX = {
    "US": ["Inc.", "LLC", "Corp.", ""], "GB": ["Ltd", "Ltd.", "plc", ""], "DE": ["GmbH", "AG", ""],
    "FR": ["SAS", "SA", ""], "CA": ["Inc.", "Ltd.", ""], "AU": ["Pty Ltd", ""],
    "NL": ["B.V.", ""], "ES": ["S.L.", "S.A.", ""], "IN": ["Pvt Ltd", "Ltd", ""],
    "BR": ["Ltda", "S.A.", ""],
}  # fmt: skip
COMPANY_TLD = {
    "US": "com", "GB": "co.uk", "DE": "de", "FR": "fr", "CA": "ca", "AU": "com.au", "NL": "nl",
    "ES": "es", "IN": "in", "BR": "com.br",
}  # fmt: skip
PERSONAL_DOMAINS = {
    "US": [("gmail.com", 45), ("yahoo.com", 14), ("outlook.com", 12), ("hotmail.com", 8),
           ("icloud.com", 12), ("aol.com", 3), ("proton.me", 2)],
    "GB": [("gmail.com", 40), ("hotmail.co.uk", 15), ("yahoo.co.uk", 10), ("outlook.com", 12),
           ("btinternet.com", 8), ("icloud.com", 10)],
    "DE": [("gmail.com", 30), ("gmx.de", 25), ("web.de", 22), ("t-online.de", 10),
           ("outlook.de", 6), ("posteo.de", 3)],
    "FR": [("gmail.com", 40), ("orange.fr", 18), ("free.fr", 12), ("laposte.net", 8),
           ("hotmail.fr", 12), ("yahoo.fr", 8)],
    "CA": [("gmail.com", 45), ("hotmail.com", 15), ("yahoo.ca", 10), ("outlook.com", 12),
           ("rogers.com", 6), ("shaw.ca", 5), ("icloud.com", 7)],
    "AU": [("gmail.com", 45), ("bigpond.com", 15), ("hotmail.com", 12), ("outlook.com", 10),
           ("icloud.com", 10), ("yahoo.com.au", 8)],
    "NL": [("gmail.com", 45), ("hotmail.com", 15), ("ziggo.nl", 12), ("kpnmail.nl", 10),
           ("outlook.com", 10), ("live.nl", 8)],
    "ES": [("gmail.com", 50), ("hotmail.es", 18), ("yahoo.es", 10), ("outlook.es", 10),
           ("telefonica.net", 5)],
    "IN": [("gmail.com", 60), ("yahoo.co.in", 14), ("rediffmail.com", 10), ("outlook.com", 10),
           ("hotmail.com", 6)],
    "BR": [("gmail.com", 55), ("hotmail.com", 15), ("outlook.com", 10), ("uol.com.br", 8),
           ("bol.com.br", 6), ("yahoo.com.br", 6)],
}  # fmt: skip

# (city, region, weight): real cities of each country
CITIES = {
    "US": [("New York", "NY", 8), ("Los Angeles", "CA", 5), ("Chicago", "IL", 4),
           ("Houston", "TX", 3), ("Phoenix", "AZ", 2), ("Philadelphia", "PA", 2),
           ("San Antonio", "TX", 1.5), ("San Diego", "CA", 1.5), ("Dallas", "TX", 2),
           ("Austin", "TX", 2), ("San Francisco", "CA", 3), ("Seattle", "WA", 2.5),
           ("Denver", "CO", 2), ("Boston", "MA", 2.5), ("Atlanta", "GA", 2), ("Miami", "FL", 2),
           ("Portland", "OR", 1.2), ("Nashville", "TN", 1), ("Minneapolis", "MN", 1.2),
           ("Raleigh", "NC", 1)],
    "GB": [("London", "England", 10), ("Manchester", "England", 3),
           ("Birmingham", "England", 3), ("Leeds", "England", 2), ("Glasgow", "Scotland", 2),
           ("Edinburgh", "Scotland", 2), ("Bristol", "England", 2),
           ("Liverpool", "England", 1.5), ("Cardiff", "Wales", 1),
           ("Belfast", "Northern Ireland", 1), ("Sheffield", "England", 1),
           ("Newcastle upon Tyne", "England", 1), ("Brighton", "England", 1)],
    "DE": [("Berlin", "Berlin", 6), ("Hamburg", "Hamburg", 3), ("München", "Bayern", 3.5),
           ("Köln", "Nordrhein-Westfalen", 2.5), ("Frankfurt am Main", "Hessen", 2),
           ("Stuttgart", "Baden-Württemberg", 1.5), ("Düsseldorf", "Nordrhein-Westfalen", 1.5),
           ("Leipzig", "Sachsen", 1), ("Dortmund", "Nordrhein-Westfalen", 1),
           ("Essen", "Nordrhein-Westfalen", 0.8), ("Bremen", "Bremen", 0.8),
           ("Dresden", "Sachsen", 0.8), ("Hannover", "Niedersachsen", 0.8),
           ("Nürnberg", "Bayern", 0.8)],
    "FR": [("Paris", "Île-de-France", 8), ("Marseille", "Provence-Alpes-Côte d'Azur", 2),
           ("Lyon", "Auvergne-Rhône-Alpes", 3), ("Toulouse", "Occitanie", 2),
           ("Nice", "Provence-Alpes-Côte d'Azur", 1.2), ("Nantes", "Pays de la Loire", 1.5),
           ("Strasbourg", "Grand Est", 1), ("Montpellier", "Occitanie", 1),
           ("Bordeaux", "Nouvelle-Aquitaine", 1.5), ("Lille", "Hauts-de-France", 1.5),
           ("Rennes", "Bretagne", 1)],
    "CA": [("Toronto", "ON", 6), ("Montréal", "QC", 4), ("Vancouver", "BC", 4),
           ("Calgary", "AB", 2), ("Ottawa", "ON", 2), ("Edmonton", "AB", 1.5),
           ("Winnipeg", "MB", 1), ("Québec City", "QC", 1), ("Halifax", "NS", 0.8),
           ("Victoria", "BC", 0.6)],
    "AU": [("Sydney", "NSW", 6), ("Melbourne", "VIC", 6), ("Brisbane", "QLD", 3),
           ("Perth", "WA", 2.5), ("Adelaide", "SA", 1.5), ("Canberra", "ACT", 0.8),
           ("Gold Coast", "QLD", 0.8), ("Hobart", "TAS", 0.5)],
    "NL": [("Amsterdam", "Noord-Holland", 5), ("Rotterdam", "Zuid-Holland", 3),
           ("Den Haag", "Zuid-Holland", 2), ("Utrecht", "Utrecht", 2),
           ("Eindhoven", "Noord-Brabant", 1.5), ("Groningen", "Groningen", 1),
           ("Tilburg", "Noord-Brabant", 0.8), ("Almere", "Flevoland", 0.6),
           ("Breda", "Noord-Brabant", 0.6), ("Nijmegen", "Gelderland", 0.6)],
    "ES": [("Madrid", "Comunidad de Madrid", 6), ("Barcelona", "Cataluña", 5),
           ("Valencia", "Comunitat Valenciana", 2.5), ("Sevilla", "Andalucía", 2),
           ("Zaragoza", "Aragón", 1), ("Málaga", "Andalucía", 1.5), ("Bilbao", "País Vasco", 1.2),
           ("Palma", "Illes Balears", 0.8), ("Alicante", "Comunitat Valenciana", 0.8),
           ("Murcia", "Región de Murcia", 0.6)],
    "IN": [("Mumbai", "Maharashtra", 6), ("Delhi", "Delhi", 6), ("Bengaluru", "Karnataka", 7),
           ("Hyderabad", "Telangana", 4), ("Chennai", "Tamil Nadu", 4), ("Pune", "Maharashtra", 3.5),
           ("Kolkata", "West Bengal", 3), ("Ahmedabad", "Gujarat", 2), ("Jaipur", "Rajasthan", 1.2),
           ("Noida", "Uttar Pradesh", 1.5), ("Gurugram", "Haryana", 2), ("Kochi", "Kerala", 1)],
    "BR": [("São Paulo", "SP", 8), ("Rio de Janeiro", "RJ", 5), ("Belo Horizonte", "MG", 2),
           ("Brasília", "DF", 2), ("Curitiba", "PR", 2), ("Porto Alegre", "RS", 1.5),
           ("Recife", "PE", 1.2), ("Salvador", "BA", 1.2), ("Fortaleza", "CE", 1),
           ("Florianópolis", "SC", 1.2), ("Campinas", "SP", 1)],
}  # fmt: skip

STREETS = {
    "en": ["Main St", "Oak Ave", "Maple Dr", "Park Rd", "High St", "Church Ln", "Elm St",
           "Lakeview Blvd", "King St", "Victoria Rd"],
    "de": ["Hauptstraße", "Bahnhofstraße", "Gartenweg", "Schillerstraße", "Lindenallee"],
    "fr": ["rue de la Paix", "avenue Victor Hugo", "rue Pasteur", "boulevard Voltaire"],
    "nl": ["Kerkstraat", "Dorpsstraat", "Stationsweg", "Molenweg"],
    "es": ["Calle Mayor", "Avenida de la Constitución", "Calle Real", "Paseo del Prado"],
    "in": ["MG Road", "Station Road", "Nehru Nagar", "Park Street"],
    "br": ["Rua das Flores", "Avenida Paulista", "Rua XV de Novembro", "Rua da Consolação"],
}  # fmt: skip

# -- names ---------------------------------------------------------------------------------------
# (female, male, last) per locale; listed roughly from most to least common

NAMES = {
    "en": (
        ["Emma", "Olivia", "Sophia", "Isabella", "Ava", "Mia", "Emily", "Charlotte", "Amelia",
         "Harper", "Elizabeth", "Sarah", "Jessica", "Jennifer", "Ashley", "Katherine", "Rebecca",
         "Samantha", "Laura", "Hannah", "Rachel", "Megan", "Lauren", "Victoria", "Margaret",
         "Patricia", "Stephanie", "Nicole", "Grace", "Chloe", "Zoë", "Renée", "Abigail",
         "Natalie", "Deborah", "Julia", "Claire", "Lucy", "Ella", "Ruby"],
        ["James", "John", "Robert", "Michael", "William", "David", "Richard", "Joseph", "Thomas",
         "Christopher", "Daniel", "Matthew", "Anthony", "Andrew", "Joshua", "Ryan", "Nicholas",
         "Jonathan", "Benjamin", "Alexander", "Samuel", "Edward", "Timothy", "Kevin", "Brian",
         "Jason", "Justin", "Brandon", "Tyler", "Nathan", "Ethan", "Liam", "Noah", "Oliver",
         "Jack", "Harry", "Connor", "Sean", "Patrick", "Steven"],
        ["Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson",
         "Anderson", "Taylor", "Thomas", "Moore", "Martin", "Jackson", "Thompson", "White",
         "Harris", "Clark", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright",
         "Scott", "Green", "Baker", "Adams", "Nelson", "Hill", "Campbell", "Mitchell", "Roberts",
         "Carter", "Phillips", "Evans", "Turner", "Parker", "Collins", "Edwards", "Stewart",
         "Murphy", "Cook", "Rogers", "Morgan", "Cooper", "Peterson", "Reed", "Bailey", "Kelly",
         "Howard", "Ward", "Cox", "Richardson", "Wood", "Watson", "Brooks", "Bennett", "O'Brien",
         "MacDonald", "Nguyen", "Chen", "Kim", "Singh"],
    ),
    "de": (
        ["Anna", "Maria", "Katharina", "Julia", "Laura", "Lena", "Sarah", "Lisa", "Hannah",
         "Sophie", "Leonie", "Johanna", "Franziska", "Sabine", "Claudia", "Andrea", "Petra",
         "Jana", "Anja", "Jessica", "Marie", "Mia", "Emilia", "Charlotte", "Lea"],
        ["Thomas", "Michael", "Andreas", "Stefan", "Christian", "Alexander", "Markus", "Daniel",
         "Tobias", "Jan", "Sebastian", "Lukas", "Maximilian", "Jonas", "Felix", "Johannes",
         "Florian", "Matthias", "Jürgen", "Wolfgang", "Klaus", "Uwe", "Paul", "Leon", "Niklas"],
        ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
         "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf",
         "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann",
         "Lange", "Schmitt", "Werner", "Krause", "Meier", "Lehmann"],
    ),
    "fr": (
        ["Marie", "Camille", "Léa", "Manon", "Chloé", "Emma", "Inès", "Sarah", "Julie",
         "Sophie", "Céline", "Nathalie", "Isabelle", "Aurélie", "Émilie", "Claire", "Pauline",
         "Lucie", "Anaïs", "Hélène", "Juliette", "Margaux", "Élodie", "Mathilde", "Louise"],
        ["Jean", "Pierre", "Nicolas", "Thomas", "Julien", "Alexandre", "Antoine", "Maxime",
         "Louis", "Hugo", "Lucas", "Mathieu", "Guillaume", "François", "Sébastien", "Olivier",
         "Philippe", "Benoît", "Romain", "Théo", "Arthur", "Raphaël", "Clément", "Jérôme",
         "Vincent"],
        ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
         "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David",
         "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier",
         "Dupont", "Lambert", "Bonnet", "François", "Martinez", "Legrand"],
    ),
    "nl": (
        ["Emma", "Julia", "Sophie", "Anna", "Lotte", "Sanne", "Fleur", "Eva", "Lisa", "Anouk",
         "Iris", "Femke", "Linda", "Marloes", "Esther", "Sara", "Noor", "Tess", "Mila", "Saskia"],
        ["Daan", "Sem", "Lucas", "Levi", "Thijs", "Bram", "Jesse", "Lars", "Ruben", "Tim",
         "Jeroen", "Sander", "Bas", "Maarten", "Pieter", "Joost", "Wouter", "Koen", "Niels",
         "Sven"],
        ["de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen",
         "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters",
         "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits",
         "de Graaf", "van der Meer"],
    ),
    "es": (
        ["María", "Lucía", "Paula", "Laura", "Marta", "Andrea", "Ana", "Sara", "Carmen",
         "Elena", "Cristina", "Isabel", "Raquel", "Alba", "Irene", "Patricia", "Sofía",
         "Nuria", "Beatriz", "Pilar", "Rocío", "Guadalupe", "Silvia", "Julia", "Noelia"],
        ["Antonio", "José", "Manuel", "Francisco", "David", "Juan", "Javier", "Daniel",
         "Carlos", "Jesús", "Alejandro", "Miguel", "Rafael", "Pablo", "Sergio", "Fernando",
         "Jorge", "Luis", "Alberto", "Álvaro", "Diego", "Adrián", "Rubén", "Iván", "Óscar"],
        ["García", "Rodríguez", "González", "Fernández", "López", "Martínez", "Sánchez",
         "Pérez", "Gómez", "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Muñoz",
         "Álvarez", "Romero", "Alonso", "Gutiérrez", "Navarro", "Torres", "Domínguez",
         "Vázquez", "Ramos", "Gil", "Ramírez", "Serrano", "Blanco", "Molina"],
    ),
    "in": (
        ["Priya", "Ananya", "Aishwarya", "Divya", "Pooja", "Neha", "Sneha", "Kavya", "Anjali",
         "Shreya", "Riya", "Meera", "Lakshmi", "Deepika", "Aditi", "Isha", "Nisha", "Swati",
         "Sunita", "Rekha", "Aarohi", "Diya", "Saanvi", "Tanvi", "Shruti"],
        ["Rahul", "Amit", "Rohit", "Vikram", "Arjun", "Sandeep", "Rajesh", "Suresh", "Anil",
         "Karthik", "Aditya", "Nikhil", "Varun", "Siddharth", "Abhishek", "Manish", "Pradeep",
         "Vijay", "Arun", "Ravi", "Aarav", "Vihaan", "Ishaan", "Krishna", "Harsh"],
        ["Sharma", "Verma", "Gupta", "Singh", "Kumar", "Patel", "Reddy", "Iyer", "Nair",
         "Menon", "Rao", "Joshi", "Mehta", "Shah", "Desai", "Kulkarni", "Chatterjee",
         "Banerjee", "Mukherjee", "Das", "Bose", "Pillai", "Agarwal", "Malhotra", "Kapoor",
         "Chopra", "Bhat", "Naidu", "Saxena", "Mishra"],
    ),
    "br": (
        ["Maria", "Ana", "Juliana", "Mariana", "Fernanda", "Camila", "Beatriz", "Larissa",
         "Gabriela", "Letícia", "Amanda", "Bruna", "Patrícia", "Aline", "Vanessa", "Luana",
         "Carolina", "Isabela", "Raquel", "Débora", "Alice", "Helena", "Valentina", "Laura",
         "Sofia"],
        ["João", "José", "Pedro", "Lucas", "Gabriel", "Mateus", "Rafael", "Felipe", "Bruno",
         "Gustavo", "Rodrigo", "Thiago", "Eduardo", "Marcelo", "Leonardo", "Diego", "André",
         "Paulo", "Ricardo", "Fábio", "Antônio", "Vinícius", "Caio", "Enzo", "Miguel"],
        ["Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira",
         "Lima", "Gomes", "Costa", "Ribeiro", "Martins", "Carvalho", "Almeida", "Lopes",
         "Soares", "Fernandes", "Vieira", "Barbosa", "Rocha", "Dias", "Nascimento", "Andrade",
         "Moreira", "Nunes", "Marques", "Machado", "Mendes", "Gonçalves"],
    ),
}  # fmt: skip
LOCALES = list(NAMES)

NICKNAMES = {
    "William": "Bill", "Robert": "Bob", "Richard": "Rick", "James": "Jim", "Michael": "Mike",
    "Elizabeth": "Liz", "Katherine": "Kate", "Jennifer": "Jen", "Christopher": "Chris",
    "Daniel": "Dan", "Matthew": "Matt", "Jonathan": "Jon", "Alexander": "Alex",
    "Samantha": "Sam", "Margaret": "Maggie", "Rebecca": "Becky", "Nicholas": "Nick",
    "Anthony": "Tony", "Joseph": "Joe", "Thomas": "Tom", "Benjamin": "Ben",
    "Victoria": "Vicky", "Patricia": "Pat", "Stephanie": "Steph", "Jessica": "Jess",
    "Andrew": "Andy", "Edward": "Ed", "Timothy": "Tim", "Deborah": "Debbie", "Samuel": "Sam",
    "Abigail": "Abby", "Natalie": "Nat", "Steven": "Steve", "Joshua": "Josh",
    "Johannes": "Hannes", "Maximilian": "Max", "Katharina": "Kathi", "Franziska": "Franzi",
    "Sebastian": "Basti", "Tobias": "Tobi", "Wolfgang": "Wolf", "Nicolas": "Nico",
    "Alexandre": "Alex", "Mathieu": "Matt", "Francisco": "Paco", "José": "Pepe",
    "Guadalupe": "Lupe", "Alejandro": "Álex", "Manuel": "Manolo", "Jesús": "Chuy",
    "Eduardo": "Edu", "Fernanda": "Nanda", "Gabriela": "Gabi", "Rafael": "Rafa",
    "Antônio": "Toninho", "Gustavo": "Guga", "Vikram": "Vicky", "Krishna": "Kris",
}  # fmt: skip

# -- work ------------------------------------------------------------------------------------------

JOB_TITLES = [
    "Marketing Manager", "Head of Growth", "CMO", "VP Marketing", "Marketing Coordinator",
    "Growth Marketer", "Content Strategist", "SEO Specialist", "Social Media Manager",
    "Brand Manager", "E-commerce Manager", "Data Analyst", "Data Scientist", "Business Analyst",
    "Software Engineer", "Engineering Manager", "CTO", "Product Manager", "UX Designer",
    "Designer", "CEO", "Founder", "Co-Founder", "Sales Director", "VP Sales",
    "Account Executive", "Sales Development Representative", "Customer Success Manager",
    "Operations Manager", "Project Manager", "CFO", "Financial Analyst", "HR Manager",
    "Recruiter", "Consultant", "Freelancer", "Office Manager", "Teacher", "Student",
    "Personal Trainer",
]  # fmt: skip

INDUSTRIES = [
    "Software", "E-commerce", "Retail", "Financial Services", "Healthcare", "Education",
    "Manufacturing", "Media & Publishing", "Travel & Hospitality", "Marketing & Advertising",
    "Consulting", "Nonprofit", "Real Estate", "Logistics",
]  # fmt: skip

COMPANY_PREFIX = [
    "Blue", "North", "Bright", "Silver", "Red", "Green", "Summit", "River", "Quantum", "Atlas",
    "Nova", "Pioneer", "Crescent", "Granite", "Maple", "Harbor", "Golden", "Iron", "Clear",
    "Swift", "Evergreen", "Lumen", "Vertex", "Orbit", "Cedar", "Falcon", "Horizon", "Polar",
    "Sterling", "Cobalt", "Coral", "Juniper", "Aurora", "Beacon", "Keystone", "Meridian",
    "Oak", "Pine", "Sunrise", "Zenith",
]  # fmt: skip
COMPANY_CORE = [
    "Analytics", "Labs", "Works", "Systems", "Logistics", "Foods", "Health", "Media",
    "Software", "Digital", "Retail", "Capital", "Consulting", "Studios", "Solutions",
    "Networks", "Commerce", "Learning", "Travel", "Designs", "Partners", "Robotics",
    "Energy", "Apparel", "Fitness", "Outfitters", "Goods", "Data", "Cloud", "Ventures",
]  # fmt: skip
# the industry a company's core word suggests (by COMPANY_CORE index)
CORE_INDUSTRY = [
    0, 0, 6, 0, 13, 2, 4, 7, 0, 9, 2, 3, 10, 7, 10, 0, 1, 5, 8, 9, 10, 6, 6, 2, 4, 1, 1, 0,
    0, 3,
]  # fmt: skip

# -- interests, content, channels -----------------------------------------------------------------

INTERESTS = [
    "analytics", "ecommerce", "ai", "design", "marketing", "finance", "travel", "fitness",
    "productivity", "sustainability", "gaming", "photography",
]  # fmt: skip
INTEREST_WEIGHTS = [1.4, 1.1, 1.5, 0.8, 1.6, 0.9, 0.8, 0.7, 1.0, 0.6, 0.4, 0.5]
# industries (by INDUSTRIES index) that boost an interest
INTEREST_BOOST = {
    "analytics": [0, 3, 9], "ecommerce": [1, 2], "ai": [0], "design": [7, 9],
    "marketing": [9, 1, 7], "finance": [3, 12], "travel": [8], "fitness": [4],
}  # fmt: skip

CONTENT_TOPICS = [
    "product_updates", "case_studies", "how_to_guides", "webinars", "industry_news",
    "templates", "research_reports", "podcasts",
]  # fmt: skip
CONTENT_TOPIC_WEIGHTS = [1.0, 0.8, 1.3, 0.7, 1.0, 0.9, 0.6, 0.4]

PREFERRED_CHANNELS = ["email", "sms", "phone", "social"]
SOURCE_CHANNELS = ["organic", "paid_ads", "social", "email_pitch", "referral", "event"]
SOURCE_WEIGHTS = [0.30, 0.22, 0.17, 0.08, 0.12, 0.11]
# engagement shift and purchase multiplier by source channel: referral converts best,
# paid ads worst
SOURCE_ENGAGEMENT = [0.10, -0.55, -0.20, -0.10, 0.60, 0.30]
SOURCE_BUY = [1.0, 0.45, 0.7, 0.85, 1.9, 1.3]

GENDERS = ["female", "male", "non_binary"]
EMAIL_STATUSES = ["subscribed", "unsubscribed", "bounced", "pending"]
LIFECYCLE_STAGES = [
    "subscriber", "lead", "marketing_qualified_lead", "sales_qualified_lead", "opportunity",
    "customer", "evangelist", "other",
]  # fmt: skip
LEAD_STATUSES = ["cold", "warm", "hot"]
PLANS = ["starter", "pro", "enterprise", "addon"]
PLAN_PRICES = [290.0, 990.0, 4990.0]
ADDON_PRICES = [49.0, 99.0, 149.0, 199.0]
TAGS = [
    "vip", "newsletter", "webinar_2026", "beta", "partner", "unsubscribed", "repeat_buyer",
    "event_attendee", "churn_risk",
]  # fmt: skip

# -- events -------------------------------------------------------------------------------------------

EVENT_TYPES = [
    "page_view", "email_send", "email_open", "email_click", "form_submit", "content_download",
    "purchase", "unsubscribe",
]  # fmt: skip
PAGES = ["homepage", "product", "pricing", "blog", "docs", "about"]
FORMS = ["demo_request", "contact_us", "newsletter_signup", "webinar"]
CONTENT = [
    "Ebook: The State of Email Marketing 2026",
    "Ebook: The Segmentation Playbook",
    "Ebook: Lifecycle Marketing for Beginners",
    "Ebook: 50 Subject Lines That Work",
    "Whitepaper: AI for Marketers",
    "Whitepaper: Customer Lifetime Value Explained",
    "Whitepaper: Consent and GDPR Checklist",
    "Whitepaper: B2B Lead Scoring",
    "Report: Ecommerce Benchmarks 2025",
    "Report: Pricing Strategy Survey",
    "Guide: Building a Data-Driven Team",
    "Guide: Retention Metrics Cheat Sheet",
]  # fmt: skip
CONTENT_WEIGHTS = [1.6, 1.4, 1.0, 1.2, 1.5, 0.8, 0.7, 0.9, 0.8, 0.6, 0.7, 0.9]
